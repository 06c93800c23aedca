package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// newCategory defines a closing category.
type newCategory struct {
	Name string `json:"name"`
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, conversation.OrderCategories)
	if err != nil {
		return err
	}
	list, err := s.deps.Conversations.ListCategories(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request) error {
	var in newCategory
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Conversations.CreateCategory(r.Context(), Principal(r).WorkspaceID, in.Name)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, c)
	return nil
}

// deleteCategory removes a closing category; conversations closed with it
// keep its name.
func (s *Server) deleteCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "categoryID")
	if err != nil {
		return err
	}
	if err := s.deps.Conversations.DeleteCategory(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
