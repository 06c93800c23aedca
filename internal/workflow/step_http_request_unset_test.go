package workflow

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A response path the answer does not hold leaves its variable without a
// value, as the docs say of a missing value: before, the variable kept
// what an earlier call had put there (a Jump To loop over pages, a
// second lookup), and the run went on with a stale value as if found.
func TestHTTPResponsePathNotFoundUnsetsItsVariable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/found" {
				io.WriteString(w, `{"customer": {"id": "C-1"}}`)
				return
			}
			io.WriteString(w, `{"customer": null}`)
		}))
		defer srv.Close()
		_, conv := f.runSteps(fmt.Sprintf(`[
			{"id": "first", "type": "http_request", "settings": {"method": "GET", "url": "%[1]s/found", "response": {"cid": "$.customer.id"}},
			 "exits": {"success": "second"}},
			{"id": "second", "type": "http_request", "settings": {"method": "GET", "url": "%[1]s/gone", "response": {"cid": "$.customer.id"}},
			 "exits": {"success": "say"}},
			{"id": "say", "type": "send_message", "settings": {"text": "customer [{{var.cid}}]"}}]`, srv.URL))
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "customer []" {
			t.Fatalf("sent %q; want the second lookup's missing customer, not the first's", got)
		}
	})
}
