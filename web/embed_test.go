package web

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// Each page gets its own nonce, in the policy and in the page's meta tag
// where the app reads it; nothing else in the policy is relaxed.
func TestPagesCarryAFreshNonce(t *testing.T) {
	h := NewHandler(fstest.MapFS{"index.html": {Data: []byte(`<meta name="csp-nonce" content="__CSP_NONCE__"><div id=root></div>`)}})
	meta := regexp.MustCompile(`content="([^"]+)"`)
	seen := map[string]bool{}
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/inbox/all", nil))
		m := meta.FindStringSubmatch(rec.Body.String())
		if m == nil || m[1] == "__CSP_NONCE__" || len(m[1]) < 20 {
			t.Fatalf("page %q: no nonce in the meta tag", rec.Body.String())
		}
		nonce := m[1]
		if seen[nonce] {
			t.Fatalf("nonce %q served twice", nonce)
		}
		seen[nonce] = true
		csp := rec.Header().Get("Content-Security-Policy")
		want := "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; img-src 'self' data: blob:; " +
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
		if csp != want {
			t.Errorf("CSP %q\nwant %q", csp, want)
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("the policy allows something unsafe: %q", csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
	}
}
