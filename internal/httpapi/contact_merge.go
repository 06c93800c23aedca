package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
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

// dismissMergeSuggestion records that the body's two contacts are not one
// person: the merge suggestions never pair them again.
func (s *Server) dismissMergeSuggestion(w http.ResponseWriter, r *http.Request) error {
	var in contact.DismissInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.deps.Contacts.DismissMergeSuggestion(r.Context(), Principal(r), in); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// mergeDismissals lists the pairs dismissed as not one person, where a
// dismissal can be taken back.
func (s *Server) mergeDismissals(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Contacts.MergeDismissals(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

// restoreMergeSuggestion takes back a dismissal: the body's two contacts
// are suggested again whenever they look like one person.
func (s *Server) restoreMergeSuggestion(w http.ResponseWriter, r *http.Request) error {
	var in contact.DismissInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if err := s.deps.Contacts.RestoreMergeSuggestion(r.Context(), Principal(r), in); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// contactEvents is a contact's timeline: its events and its conversations',
// newest first, paged by cursor.
func (s *Server) contactEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	p := Principal(r)
	if _, err := s.deps.Contacts.Get(r.Context(), p, id); err != nil {
		return err
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	var before int64
	if req.After != nil {
		before = req.After.ID
	}
	list, err := event.ListForContact(r.Context(), s.deps.DB.Reader(), p, id, before, req.Fetch())
	if err != nil {
		return err
	}
	return writeList(w, paging.Cut(list, req.Limit, func(e event.Event) paging.Cursor { return paging.Cursor{Order: paging.OrderID, ID: e.ID} }))
}
