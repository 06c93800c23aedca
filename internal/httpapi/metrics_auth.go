package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// metrics serves GET /metrics on the main address, only to a bearer of
// the metrics token: the exposition tells load, queue lengths and error
// rates, which are not for the world. With no token set it answers 404,
// whether the node serves its metrics on a listener of their own
// (--metrics-addr) or not at all. API tokens are not accepted: a
// scraper's configuration should not hold a key to the workspace.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Metrics == nil || s.deps.MetricsToken == "" {
		return apperr.NotFound("metrics on this address (set a metrics token, or a metrics listen address)")
	}
	token := bearer(r)
	if token == "" {
		return apperr.Unauthorized("missing bearer token")
	}
	// Comparing digests keeps even the token's length from leaking.
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.deps.MetricsToken))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return apperr.Unauthorized("the bearer token is not the metrics token")
	}
	s.deps.Metrics.ServeHTTP(w, r)
	return nil
}
