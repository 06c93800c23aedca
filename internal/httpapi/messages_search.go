package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// searchMessages finds messages by their words, newest first, among the
// conversations the caller may see that match the list's filters.
func (s *Server) searchMessages(w http.ResponseWriter, r *http.Request) error {
	return search(w, r, s.deps.Conversations.SearchMessages)
}

// searchComments finds internal comments the same way.
func (s *Server) searchComments(w http.ResponseWriter, r *http.Request) error {
	return search(w, r, s.deps.Conversations.SearchComments)
}

// search answers a search of q within the list's filters with find.
func search[T any](w http.ResponseWriter, r *http.Request,
	find func(context.Context, access.Principal, string, conversation.ListFilter, paging.Request) (paging.Page[T], error)) error {
	f, err := conversation.ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	req, err := paging.Parse(r.URL.Query(), paging.OrderIDDesc)
	if err != nil {
		return err
	}
	pg, err := find(r.Context(), Principal(r), r.URL.Query().Get("q"), f, req)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
}
