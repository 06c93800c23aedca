package workflow

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A number an HTTP Request's answer holds reaches {{var.*}} digit for
// digit: the body was decoded into float64s, so a CRM's 18-digit
// customer id became another id in the message, or the next request.
func TestHTTPRequestKeepsEveryDigitOfItsNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"customer": {"id": 123456789012345678, "balance": 19.90}}`)
		}))
		defer srv.Close()
		f := newFixtureWith(t, d, loopbackAllowed)
		_, conv := f.runSteps(`[
			{"id": "call", "type": "http_request", "settings": {"method": "GET", "url": "` + srv.URL + `",
			 "response": {"id": "$.customer.id", "balance": "$.customer.balance"}}, "exits": {"success": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "{{var.id}} {{var.balance}}"}}]`)
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "123456789012345678 19.90" {
			t.Fatalf("sent %q", got)
		}
	})
}
