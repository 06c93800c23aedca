package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// conversationCounts answers the inbox's view counts under the caller's
// scope (?status=, open by default).
func (s *Server) conversationCounts(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if err := (conversation.ListFilter{Status: status}).Validate(); err != nil {
		return err
	}
	c, err := s.deps.Conversations.Counts(r.Context(), Principal(r), status)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// listViews answers the caller's saved views, by name (at most 100: not
// paged, in the list envelope).
func (s *Server) listViews(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Conversations.ListViews(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) getView(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "viewID")
	if err != nil {
		return err
	}
	v, err := s.deps.Conversations.GetView(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) createView(w http.ResponseWriter, r *http.Request) error {
	var in conversation.ViewInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.deps.Conversations.CreateView(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) updateView(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "viewID")
	if err != nil {
		return err
	}
	var in conversation.ViewInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.deps.Conversations.UpdateView(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) deleteView(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "viewID")
	if err != nil {
		return err
	}
	if err := s.deps.Conversations.DeleteView(r.Context(), Principal(r), id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
