package workflow

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

func TestHTTPRequest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		var gotBody, gotAuth string
		never := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/slow":
				<-never // only the step's timeout ends it
				return
			case "/down":
				w.WriteHeader(503)
				return
			case "/inside":
				// To loopback, but not the address the operator allowed.
				_, port, _ := net.SplitHostPort(r.Host)
				http.Redirect(w, r, "http://127.0.0.2:"+port+"/", http.StatusFound)
				return
			}
			b, _ := io.ReadAll(r.Body)
			gotBody, gotAuth = string(b), r.Header.Get("Authorization")
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"customer": {"tier": "gold", "orders": [{"id": "A-7"}]}}`)
		}))
		defer srv.Close()
		defer close(never)
		steps := func(path string) string {
			url := srv.URL + path
			if strings.HasPrefix(path, "http") {
				url = path
			}
			return fmt.Sprintf(`[
			{"id": "call", "type": "http_request", "settings": {"method": "POST", "url": "%s", "timeout_seconds": 1,
			 "headers": {"Authorization": "Bearer {{contact.first_name}}"}, "body": "{\"phone\": \"{{contact.phone}}\"}",
			 "response": {"tier": "$.customer.tier", "order": "$.customer.orders[0].id"}},
			 "exits": {"success": "ok", "failure": "ko"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "{{var.tier}} {{var.order}} {{step.call.status}}"}},
			{"id": "ko", "type": "send_message", "settings": {"text": "failed"}}]`, url)
		}

		// Loopback is refused until the operator allows it.
		run, conv := f.runSteps(steps("/"))
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "failed" || !strings.Contains(run.History[0].Outcome, "not allowed") ||
			!strings.Contains(run.History[0].Outcome, "--allow-private-networks") {
			t.Fatalf("sent %q, history %+v", got, run.History)
		}
		f.stop()
		f.http = netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
		f.start()
		run, conv = f.runSteps(steps("/"))
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "gold A-7 200" {
			t.Fatalf("sent %q, history %+v", got, run.History)
		}
		if gotAuth != "Bearer Maria" || !strings.Contains(gotBody, `"phone": "+1999555`) {
			t.Fatalf("request auth %q body %q", gotAuth, gotBody)
		}

		// The allowed address opens nothing else: not the metadata
		// service, not another loopback address behind a redirect.
		for _, path := range []string{"http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.2]" + strings.TrimPrefix(srv.URL, "http://127.0.0.1"), "/inside"} {
			run, _ = f.runSteps(steps(path))
			if run.History[0].Exit != "failure" || !strings.Contains(run.History[0].Outcome, "not allowed") {
				t.Fatalf("%s: history %+v", path, run.History)
			}
		}

		// A timeout and an error status take failure, saying why.
		run, conv = f.runSteps(steps("/slow"))
		if got := f.outTexts(conv); len(got) != 1 || got[0] != "failed" || !strings.Contains(run.History[0].Outcome, "timed out after 1s") {
			t.Fatalf("slow: sent %q, history %+v", got, run.History)
		}
		run, _ = f.runSteps(steps("/down"))
		if run.History[0].Exit != "failure" || run.History[0].Outcome != "answered 503" {
			t.Fatalf("down: history %+v", run.History)
		}
	})
}
