package meta_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// The vector is HMAC-SHA256 computed independently (openssl dgst -sha256
// -hmac) over Meta's documented algorithm: the raw body, the app secret.
func TestSignature(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account","entry":[]}`)
	const secret = "app-secret"
	const want = "sha256=d3e4f9da0ce6c71ab3dba55929b8eeeee2455349e534924ead19f98d143e904f"
	got := meta.Sign(secret, body)
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		name, secret, header string
		body                 []byte
		ok                   bool
	}{
		{"the right signature", secret, got, body, true},
		{"upper-case hex", secret, "sha256=" + upper(got[7:]), body, true},
		{"another body", secret, got, []byte(`{}`), false},
		{"another secret", "other", got, body, false},
		{"no prefix", secret, got[7:], body, false},
		{"sha1 scheme", secret, "sha1=" + got[7:], body, false},
		{"empty secret", "", meta.Sign("", body), body, false},
		{"empty header", secret, "", body, false},
	} {
		if ok := meta.ValidSignature(tc.secret, tc.body, tc.header); ok != tc.ok {
			t.Errorf("%s: ValidSignature = %v, want %v", tc.name, ok, tc.ok)
		}
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestHandshake(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		status      int
		body        string
	}{
		{"subscribe with the token", "hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444", 200, "1158201444"},
		{"a wrong token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
		{"another mode", "hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1", 403, ""},
		{"nothing", "", 403, ""},
	} {
		w := httptest.NewRecorder()
		meta.Handshake(w, httptest.NewRequest("GET", "/webhooks/whatsapp/1?"+tc.query, nil), "tok")
		if w.Code != tc.status || (tc.status == 200 && w.Body.String() != tc.body) {
			t.Errorf("%s: %d %q", tc.name, w.Code, w.Body.String())
		}
	}
}

// Error bodies as the Graph API documents them.
func TestClassifyResponse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		retry     string
		body      string
		permanent bool
		reason    string
		after     time.Duration
	}{
		{"outside the window", 400, "", `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}`,
			true, "(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number. (code 131047)", 0},
		{"an invalid token", 401, "", `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190,"fbtrace_id":"x"}}`, true, "Invalid OAuth access token. (code 190)", 0},
		{"a rate limit", 400, "", `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}`, false, "", 0},
		{"too many requests with a delay", 429, "30", `{"error":{"message":"(#130429) Rate limit hit","code":130429}}`, false, "", 30 * time.Second},
		{"a server error without a body", 502, "", `<html>bad gateway</html>`, false, "", 0},
		// Meta marks an error it expects to pass with is_transient (the
		// Business SDK's api_transient_error), whatever its code and status.
		{"a transient error with HTTP 400", 400, "", `{"error":{"message":"(#1200) Temporary send message failure. Please try again later","type":"OAuthException","code":1200,"is_transient":true,"fbtrace_id":"Ay3"}}`, false, "", 0},
		{"a permanent error that says so", 400, "", `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"is_transient":false,"fbtrace_id":"x"}}`,
			true, "(#100) Invalid parameter (code 100)", 0},
	} {
		h := http.Header{}
		if tc.retry != "" {
			h.Set("Retry-After", tc.retry)
		}
		err := meta.ClassifyResponse(tc.status, h, []byte(tc.body))
		if outbound.IsPermanent(err) != tc.permanent {
			t.Errorf("%s: permanent = %v (%v)", tc.name, outbound.IsPermanent(err), err)
		}
		if tc.permanent && outbound.Reason(err) != tc.reason {
			t.Errorf("%s: reason %q", tc.name, outbound.Reason(err))
		}
		if d, ok := outbound.RetryAfter(err); tc.after != 0 && (!ok || d != tc.after) {
			t.Errorf("%s: retry after %v %v", tc.name, d, ok)
		}
		if _, ok := meta.AsGraphError(err); !ok {
			t.Errorf("%s: no GraphError in %v", tc.name, err)
		}
	}
}
