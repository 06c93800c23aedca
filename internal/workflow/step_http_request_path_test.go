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

// A response that is a JSON array (a list endpoint's) maps with a path
// that starts with its index, $[0].id, as $.orders[0].id maps an
// object's member. The path split into an empty first key, which no
// array has, so the variable was never set.
func TestHTTPResponsePathIntoATopLevelArray(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `[{"id": "A-1", "lines": [[7, 8]]}, {"id": "A-2"}]`)
		}))
		defer srv.Close()
		run, conv := f.runSteps(fmt.Sprintf(`[
			{"id": "call", "type": "http_request", "settings": {"method": "GET", "url": "%s/orders",
			 "response": {"first": "$[0].id", "second": "$[1].id", "cell": "$[0].lines[0][1]"}}, "exits": {"success": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "{{var.first}} {{var.second}} {{var.cell}}"}}]`, srv.URL))
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "A-1 A-2 8" {
			t.Fatalf("sent %q, vars %v, history %+v", got, run.Data.Vars, run.History)
		}
	})
}
