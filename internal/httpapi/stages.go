package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// listStages lists the workspace's lifecycle stages in their order.
func (s *Server) listStages(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Contacts.ListStages(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}
