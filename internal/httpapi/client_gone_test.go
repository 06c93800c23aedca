package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// TestClientGoneIsNoServerError: an agent who stops a draft before the
// model's first word (the composer's Stop, or leaving the conversation)
// cancels the request; the node did nothing wrong, so the answer nobody
// reads is counted as 499 (client closed request), not as a 500 that
// the 5xx alert and dashboard take for the node failing.
func TestClientGoneIsNoServerError(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		asked := make(chan struct{}, 1)
		model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/chat/completions" {
				http.NotFound(w, r) // no embeddings: the draft goes on without knowledge
				return
			}
			io.Copy(io.Discard, r.Body) // read: a closed connection then ends r's context
			asked <- struct{}{}
			<-r.Context().Done() // a model thinking until the node gives up
		}))
		t.Cleanup(model.Close)
		m := metrics.New()
		guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		f := newFixture(t, d, func(deps *httpapi.Deps) {
			deps.Instruments = m
			deps.AI = ai.New(d, ai.Options{Keys: aiTestKeys(t), Guard: guard, MaxRetries: 1,
				Sleep: func(context.Context, time.Duration) error { return nil }})
		})
		got := f.inbound(t, "+15550001", "Ada", "m-1")
		f.run(t, []scenario{{name: "a manager sets a model", method: "PUT", path: "/api/v1/ai/settings", as: "manager",
			body: `{"base_url":"` + model.URL + `/v1","chat_model":"m1"}`, status: 200}})

		for _, accept := range []string{"application/json", "text/event-stream"} {
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "POST", f.srv.URL+"/api/v1/conversations/"+itoa(got.ConversationID)+"/ai/draft", nil)
			req.Header.Set("Authorization", "Bearer "+f.tokens["agent"])
			req.Header.Set("Accept", accept)
			done := make(chan error, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				done <- err
			}()
			<-asked // the node is waiting for the model
			cancel()
			if err := <-done; err == nil {
				t.Fatalf("%s: the request was answered before it was cancelled", accept)
			}
		}
		f.srv.Close() // waits for the handlers to return
		const route = `route="POST /api/v1/conversations/{conversationID}/ai/draft"`
		if n := metricstest.Value(t, m, `switchboard_http_requests_total{code="500",`+route+`}`); n != 0 {
			t.Errorf("%v drafts the client stopped counted as 500", n)
		}
		if n := metricstest.Value(t, m, `switchboard_http_requests_total{code="499",`+route+`}`); n != 2 {
			t.Errorf("drafts the client stopped counted as 499: %v, want 2", n)
		}
	})
}
