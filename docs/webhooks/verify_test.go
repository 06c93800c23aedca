package webhooks_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/docs/webhooks"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/webhook"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// delivery is one signed POST as the delivery code sent it.
type delivery struct {
	secret, header string
	body           []byte
}

// realDelivery has the webhook service send a test delivery to a local
// receiver and returns what arrived.
func realDelivery(t *testing.T) delivery {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	var mu sync.Mutex
	var got delivery
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got.body, got.header = b, r.Header.Get(webhook.HeaderSignature)
		mu.Unlock()
	}))
	defer srv.Close()
	ctx := context.Background()
	ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	svc := webhook.New(d, webhook.Options{Guard: netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})})
	url, types := srv.URL, []string{"message.received"}
	ep, err := svc.Create(ctx, ws.ID, webhook.Input{URL: &url, EventTypes: &types})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := svc.Test(ctx, ws.ID, ep.ID); err != nil || res.State != webhook.StateDelivered {
		t.Fatalf("test delivery: %+v %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	got.secret = ep.Secret
	return got
}

// verifier runs one language's verifier: nil when it accepts.
type verifier func(t *testing.T, secret string, body []byte, header string, now time.Time) error

func TestVerifiers(t *testing.T) {
	real := realDelivery(t)
	ts := timestampOf(t, real.header)
	verifiers := map[string]verifier{
		"go": func(t *testing.T, secret string, body []byte, header string, now time.Time) error {
			return webhooks.Verify(secret, body, header, now)
		},
		"python":     script(t, "python3", "verify.py"),
		"javascript": script(t, "node", "verify.mjs"),
	}
	// An old delivery, signed by the delivery code 6 minutes ago.
	oldHeader := webhook.Sign(real.secret, real.body, time.Unix(ts, 0).Add(-6*time.Minute))
	cases := []struct {
		name   string
		secret string
		body   []byte
		header string
		now    time.Time
		ok     bool
	}{
		{"a real delivery", real.secret, real.body, real.header, time.Unix(ts, 0), true},
		{"a real delivery, 4 minutes later", real.secret, real.body, real.header, time.Unix(ts, 0).Add(4 * time.Minute), true},
		{"a changed body", real.secret, append([]byte(" "), real.body...), real.header, time.Unix(ts, 0), false},
		{"another secret", real.secret + "x", real.body, real.header, time.Unix(ts, 0), false},
		{"a bad signature", real.secret, real.body, "t=" + strconv.FormatInt(ts, 10) + ",v1=" + strings.Repeat("ab", 32), time.Unix(ts, 0), false},
		{"a replay older than 5 minutes", real.secret, real.body, real.header, time.Unix(ts, 0).Add(5*time.Minute + 2*time.Second), false},
		{"signed 6 minutes ago", real.secret, real.body, oldHeader, time.Unix(ts, 0), false},
		{"no header", real.secret, real.body, "", time.Unix(ts, 0), false},
		// Anyone can send any header: a verifier refuses it, it does not crash.
		{"a signature that is not ASCII", real.secret, real.body, "t=" + strconv.FormatInt(ts, 10) + ",v1=é" + strings.Repeat("ab", 31), time.Unix(ts, 0), false},
	}
	for lang, verify := range verifiers {
		t.Run(lang, func(t *testing.T) {
			for _, c := range cases {
				err := verify(t, c.secret, c.body, c.header, c.now)
				if (err == nil) != c.ok {
					t.Errorf("%s: verifier said %v, want ok=%v", c.name, err, c.ok)
				}
			}
		})
	}
}

// script runs verify.py or verify.mjs as their documentation says.
func script(t *testing.T, interpreter, file string) verifier {
	return func(t *testing.T, secret string, body []byte, header string, now time.Time) error {
		path, err := exec.LookPath(interpreter)
		if err != nil {
			t.Skipf("%s is not installed: the %s verifier is not tested here", interpreter, file)
		}
		cmd := exec.Command(path, file, secret, header, strconv.FormatInt(now.Unix(), 10))
		cmd.Stdin = strings.NewReader(string(body))
		out, err := cmd.CombinedOutput()
		if err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				t.Fatalf("%s %s: %v", interpreter, file, err)
			}
			if strings.Count(strings.TrimSpace(string(out)), "\n") > 0 {
				// A refusal is one line, its reason; more is a crash (a
				// traceback): the receiver's own code would fail, not refuse.
				t.Errorf("%s %s crashed:\n%s", interpreter, file, out)
			}
			return &scriptError{string(out)}
		}
		if strings.TrimSpace(string(out)) != "valid" {
			t.Fatalf("%s %s printed %q", interpreter, file, out)
		}
		return nil
	}
}

type scriptError struct{ out string }

func (e *scriptError) Error() string { return strings.TrimSpace(e.out) }

func timestampOf(t *testing.T, header string) int64 {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	t.Fatalf("no timestamp in %q", header)
	return 0
}

// The documentation shows each verifier as it is in its tested file.
func TestDocumentationShowsTheTestedVerifiers(t *testing.T) {
	doc, err := os.ReadFile("../webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"verify.go", "verify.py", "verify.mjs"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), string(src)) {
			t.Errorf("docs/webhooks.md does not show %s as it is: copy it again", f)
		}
	}
}
