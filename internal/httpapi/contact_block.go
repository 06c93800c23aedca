package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// blockContact blocks the contact of the path (blocked) or unblocks it,
// and answers the contact as it is then.
func (s *Server) blockContact(blocked bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "contactID")
		if err != nil {
			return err
		}
		c, err := s.deps.Contacts.Block(r.Context(), Principal(r), id, blocked)
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusOK, c)
		return nil
	}
}
