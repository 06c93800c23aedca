package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// mergeContact merges the body's contact (from) into the path's.
func (s *Server) mergeContact(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	var in contact.MergeInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.deps.Contacts.Merge(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

// contactMergeSuggestions lists pairs of contacts that look like one person.
func (s *Server) contactMergeSuggestions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Contacts.MergeSuggestions(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}
