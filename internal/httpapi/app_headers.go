package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// appCSP is the Content-Security-Policy of the web app's pages: scripts,
// styles, fetches and the live socket come from this origin only (CSP 3's
// 'self' also matches ws: and wss: to the same host), images may also be
// data: and blob: URLs (previews of attachments before upload), and
// nothing may frame the app, change its base URL, or post its forms
// elsewhere. No 'unsafe-inline': contact content that slipped into the
// page as HTML still could not run.
const appCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

// AppPageHeaders wraps the handler of the web app's pages with the
// headers that make a browser hold them to the rules above. Referrer-Policy
// is same-origin, not no-referrer: with no-referrer a browser sends
// "Origin: null" on the app's own POSTs, which the CSRF check would refuse
// where Sec-Fetch-Site is missing.
func AppPageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", appCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// onlyGET lets reads through to the app's pages; anything else at a path
// of the app is a 405, in the API's error shape.
func onlyGET(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httpjson.WriteJSON(w, http.StatusMethodNotAllowed, httpjson.ErrorBody{Error: httpjson.ErrorDetail{
				Code: "method_not_allowed", Message: r.Method + " is not allowed on the web app's pages", RequestID: httpjson.RequestID(r)}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
