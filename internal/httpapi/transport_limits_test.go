package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
)

// openStream opens a live event stream as the fixture token as and
// returns the answer; the stream stays open until close is called.
func (f *fixture) openStream(t *testing.T, as string) (resp *http.Response, close func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	close = func() { cancel(); resp.Body.Close() }
	t.Cleanup(close)
	return resp, close
}

// Live streams are capped per user and per node: one more is a 429 with
// Retry-After, and a closed stream gives its slot back.
func TestStreamCaps(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withLimits(httpapi.Limits{StreamsPerUser: 2, StreamsPerNode: 3}))
		open := func(as string, want int) func() {
			t.Helper()
			resp, close := f.openStream(t, as)
			if resp.StatusCode != want {
				t.Fatalf("stream as %s: %d, want %d", as, resp.StatusCode, want)
			}
			if want == http.StatusTooManyRequests {
				body := make([]byte, 512)
				n, _ := resp.Body.Read(body)
				if resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body[:n]), `"code":"rate_limited"`) {
					t.Fatalf("429 without Retry-After or JSON error: %v %s", resp.Header, body[:n])
				}
			}
			return close
		}
		first := open("agent", 200)
		open("agent", 200)
		open("agent", 429) // the agent's two
		open("manager", 200)
		open("owner", 429) // the node's three
		first()
		// The server frees the slot once it sees the client gone, which
		// the client cannot observe but by asking again: it retries until
		// a stream is let in, bounded by liveWait as a last resort.
		ctx, cancel := context.WithTimeout(context.Background(), liveWait)
		defer cancel()
		for {
			resp, close := f.openStream(t, "agent")
			if resp.StatusCode == 200 {
				break
			}
			close()
			if ctx.Err() != nil {
				t.Fatalf("a closed stream's slot was not given back within %s", liveWait)
			}
		}
	})
}

// Each API token may make Rate requests a second with bursts of Burst;
// beyond, 429 with Retry-After. Other tokens and channel webhooks are not
// held back by one token's excess.
func TestRateLimitPerToken(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		c := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
		f := newFixture(t, d, withLimits(httpapi.Limits{Rate: 0.5, Burst: 2}), withCustomWebhook,
			func(deps *httpapi.Deps) { deps.Clock = c })
		me := scenario{method: "GET", path: "/api/v1/me", as: "agent", status: 200}
		f.run(t, []scenario{me, me})
		status, body := f.do(t, me)
		if status != http.StatusTooManyRequests || !strings.Contains(string(body), `"code":"rate_limited"`) {
			t.Fatalf("third request: %d %s, want 429 rate_limited", status, body)
		}
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["agent"])
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("refusal: %d, Retry-After %q; want 429, 2 (one request per 2 s)", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		f.run(t, []scenario{{name: "another token", method: "GET", path: "/api/v1/me", as: "manager", status: 200}})
		for i := range 5 {
			f.run(t, []scenario{{name: "a webhook", method: "POST", path: "/channels/custom/{{channel}}/webhook", as: f.ch.Token,
				body:   `{"contactId":"c1","events":[{"type":"message","mId":"m` + itoa(int64(i)) + `","message":{"type":"text","text":"hi"}}]}`,
				status: 200}})
		}
		c.Advance(2 * time.Second)
		f.run(t, []scenario{{name: "after Retry-After", method: "GET", path: "/api/v1/me", as: "agent", status: 200}})
	})
}

// /metrics on the main address answers only the bearer of the metrics
// token; without one set it is a 404. An owner's API token is no key.
func TestMetricsNeedTheirToken(t *testing.T) {
	scrape := func(f *fixture, as string) (int, string) {
		status, body := f.do(t, scenario{method: "GET", path: "/metrics", as: as})
		return status, string(body)
	}
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	if status, body := scrape(f, "owner"); status != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("no metrics token set: %d %s, want a JSON 404", status, body)
	}

	f = newFixture(t, dbtest.Open(t, db.SQLite), func(deps *httpapi.Deps) { deps.MetricsToken = "scrape-me" })
	for _, as := range []string{"", "owner", "scrape-you", "scrape-me-too"} {
		if status, body := scrape(f, as); status != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Errorf("bearer %q: %d %s, want a JSON 401", as, status, body)
		}
	}
	if status, body := scrape(f, "scrape-me"); status != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("the metrics token: %d %s, want the exposition", status, clip([]byte(body)))
	}

	f = newFixture(t, dbtest.Open(t, db.SQLite), func(deps *httpapi.Deps) { deps.MetricsToken, deps.Metrics = "scrape-me", nil })
	if status, _ := scrape(f, "scrape-me"); status != 404 {
		t.Errorf("metrics served on their own listener: %d on the main address, want 404", status)
	}
}
