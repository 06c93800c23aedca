package workflow

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A value with quotes, a backslash and a line break (an answer, a field)
// put into an HTTP Request's JSON body arrives as that value: before, it
// was pasted in as is, and the integrator got broken JSON.
func TestHTTPRequestBodyEscapesValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, loopbackAllowed)
		const note = "say \"hi\" \\ then\nbye"
		got := make(chan string, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Path == "/note" {
				json.NewEncoder(w).Encode(map[string]string{"note": note})
				return
			}
			b, _ := io.ReadAll(r.Body)
			got <- string(b)
			io.WriteString(w, `{}`)
		}))
		defer srv.Close()
		run, _ := f.runSteps(fmt.Sprintf(`[
			{"id": "get", "type": "http_request", "settings": {"method": "GET", "url": "%[1]s/note", "response": {"note": "$.note"}},
			 "exits": {"success": "post"}},
			{"id": "post", "type": "http_request", "settings": {"method": "POST", "url": "%[1]s/echo",
			 "body": "{\"note\": \"{{var.note}}\", \"to\": \"{{contact.first_name}}\"}"}}]`, srv.URL))
		if len(run.History) != 2 || run.History[1].Exit != "success" {
			t.Fatalf("history %+v", run.History)
		}
		body := <-got
		var sent struct{ Note, To string }
		if err := json.Unmarshal([]byte(body), &sent); err != nil || sent.Note != note || sent.To != "Maria" {
			t.Fatalf("the integrator got %s (%v); want the note and the name as they are", body, err)
		}
	})
}
