package httpapi

import (
	"net/http"

	paging "github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// fieldInput defines a custom contact field.
type fieldInput struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Options []string `json:"options"`
}

func (s *Server) listFields(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Contacts.ListFields(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createField(w http.ResponseWriter, r *http.Request) error {
	var in fieldInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	f, err := s.deps.Contacts.CreateField(r.Context(), Principal(r).WorkspaceID,
		contact.Field{Key: in.Key, Name: in.Name, Type: in.Type, Options: in.Options})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, f)
	return nil
}

// deleteField removes a custom field and every contact's value of it.
func (s *Server) deleteField(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "fieldID")
	if err != nil {
		return err
	}
	if err := s.deps.Contacts.DeleteField(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
