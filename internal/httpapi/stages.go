package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

// listStages lists the workspace's lifecycle stages in their order.
func (s *Server) listStages(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, contact.OrderStages)
	if err != nil {
		return err
	}
	list, err := s.deps.Contacts.ListStages(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}
