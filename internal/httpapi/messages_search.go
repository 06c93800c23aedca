package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// searchMessages finds messages by their words, newest first, among the
// conversations the caller may see that match the list's filters.
func (s *Server) searchMessages(w http.ResponseWriter, r *http.Request) error {
	f, err := conversation.ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	req, err := paging.Parse(r.URL.Query(), paging.OrderIDDesc)
	if err != nil {
		return err
	}
	pg, err := s.deps.Conversations.SearchMessages(r.Context(), Principal(r), r.URL.Query().Get("q"), f, req)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
}
