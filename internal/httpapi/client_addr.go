package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/clientaddr"
)

// clientAddr is the address a request comes from, against which failed
// sign-ins are counted and which a session shows: the TCP peer, or the
// client a proxy of Deps.TrustedProxies names (see clientaddr.Of).
func (s *Server) clientAddr(r *http.Request) string {
	return clientaddr.Of(r, s.deps.TrustedProxies)
}
