package httpapi

import (
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// apiRoots are the path trees the API owns; apiProbes are its paths at
// the root. On these, every answer is JSON, including those the ServeMux
// would give itself (a text 404 or 405, a redirect to a cleaned path).
var (
	apiRoots  = []string{"/api", "/channels", "/custom", "/webhooks", "/workflows"} // /webhooks: providers' (channel.WebhookPattern)
	apiProbes = []string{"/healthz", "/readyz", "/metrics"}
)

// isAPIPath reports whether p is the API's.
func isAPIPath(p string) bool {
	for _, root := range apiRoots {
		if p == root || strings.HasPrefix(p, root+"/") {
			return true
		}
	}
	return slices.Contains(apiProbes, p)
}

// fallbackPatterns are registered on the mux for every API path no route
// matches, whatever the method; they answer noRoute. The roots without
// their slash are registered too, or the mux would redirect /api to /api/.
func fallbackPatterns() []string {
	var out []string
	for _, root := range apiRoots {
		out = append(out, root, root+"/")
	}
	return append(out, apiProbes...)
}

// route serves the mux. An API path that is not in its clean form ("//",
// "/./", "/../" in it) is answered with a JSON 404 where the mux would
// redirect to the cleaned path: an API client that builds such a path has
// a bug to see, and a redirect would make some clients repeat a POST as a
// GET or drop its credentials.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if escaped := r.URL.EscapedPath(); r.Method != http.MethodConnect && escaped != cleanPath(escaped) &&
		(isAPIPath(r.URL.Path) || isAPIPath(cleanPath(r.URL.Path))) {
		httpjson.WriteError(w, r, notFoundRoute(r))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// noRoute answers an API path no route matches: 405 with the Allow header
// when the path has routes for other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) error {
	allow := s.allowedMethods(r)
	if len(allow) == 0 {
		return notFoundRoute(r)
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	httpjson.WriteJSON(w, http.StatusMethodNotAllowed, httpjson.ErrorBody{Error: httpjson.ErrorDetail{
		Code: "method_not_allowed", Message: r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + strings.Join(allow, ", "),
		RequestID: httpjson.RequestID(r)}})
	return nil
}

// allowedMethods lists the methods the route table serves on r's path,
// asking the mux itself so the answer cannot drift from the table.
func (s *Server) allowedMethods(r *http.Request) []string {
	fallbacks := fallbackPatterns()
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host}
		if _, pattern := s.mux.Handler(probe); pattern != "" && !slices.Contains(fallbacks, pattern) {
			allow = append(allow, m)
		}
	}
	return allow
}

// cleanPath is the ServeMux's canonical form of a path: rooted, without
// "." and ".." elements or doubled slashes, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
