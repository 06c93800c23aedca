package httpapi

import "net/http"

// listStages lists the workspace's lifecycle stages in their order.
func (s *Server) listStages(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Contacts.ListStages(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, whole(list))
	return nil
}
