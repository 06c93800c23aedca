package httpapi

import (
	"net/http"

	paging "github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// contactDetail is a contact with its channel identities, as GET of one
// contact answers.
type contactDetail struct {
	contact.Contact
	Identities []contact.Identity `json:"identities"`
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	f, err := contact.ParseListFilter(r.URL.Query())
	if err != nil {
		return err
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Contacts.List(r.Context(), Principal(r), f, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) error {
	var in contact.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Contacts.Create(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	p := Principal(r)
	c, err := s.deps.Contacts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	ids, err := s.deps.Contacts.ListIdentities(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, contactDetail{Contact: c, Identities: ids})
	return nil
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	var in contact.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Contacts.Update(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	if err := s.deps.Contacts.Delete(r.Context(), Principal(r), id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// upsertContact updates the contact with the body's phone (or, failing
// that, its email) or creates one: 200 for an update, 201 for a creation,
// so an importer can tell them apart.
func (s *Server) upsertContact(w http.ResponseWriter, r *http.Request) error {
	var in contact.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, created, err := s.deps.Contacts.Upsert(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpjson.WriteJSON(w, status, c)
	return nil
}

// listContactConversations lists a contact's conversations, newest first:
// the past conversations of the inbox's contact panel.
func (s *Server) listContactConversations(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	if _, err := s.deps.Contacts.Get(r.Context(), Principal(r), id); err != nil {
		return err
	}
	f, req, err := conversationQuery(r)
	if err != nil {
		return err
	}
	f.ContactID = id
	return s.writeConversations(w, r, f, req)
}

// bulkContacts takes one action on the contacts named or those a filter
// keeps, contact.BulkChunk at a time (contact.Service.Bulk).
func (s *Server) bulkContacts(w http.ResponseWriter, r *http.Request) error {
	var in contact.BulkInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.deps.Contacts.Bulk(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}

// countContacts says how many contacts the list's filters keep.
func (s *Server) countContacts(w http.ResponseWriter, r *http.Request) error {
	f, err := contact.ParseListFilter(r.URL.Query())
	if err != nil {
		return err
	}
	n, err := s.deps.Contacts.Count(r.Context(), Principal(r), f)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, contactCount{Count: n})
	return nil
}

// contactCount is what GET /api/v1/contacts/count answers.
type contactCount struct {
	Count int `json:"count"`
}
