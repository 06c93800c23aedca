package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// newTag defines a tag.
type newTag struct {
	Name  string `json:"name"`
	Color string `json:"color"`
}

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, contact.OrderByName)
	if err != nil {
		return err
	}
	list, err := s.deps.Contacts.ListTags(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createTag(w http.ResponseWriter, r *http.Request) error {
	var in newTag
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.Contacts.CreateTag(r.Context(), Principal(r).WorkspaceID, contact.Tag{Name: in.Name, Color: in.Color})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, t)
	return nil
}

// deleteTag removes a tag from the workspace and from every contact.
func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "tagID")
	if err != nil {
		return err
	}
	if err := s.deps.Contacts.DeleteTag(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
