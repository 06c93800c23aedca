package httpapi

import (
	"errors"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// tagInput is the body of POST /contacts/{contactID}/tags.
type tagInput struct {
	Tag string `json:"tag"`
}

// addContactTag tags a contact, creating the tag if the workspace does not
// have it yet, and answers the contact.
func (s *Server) addContactTag(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	var in tagInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	return s.setContactTag(w, r, id, in.Tag, true)
}

// removeContactTag untags a contact; removing a tag it does not have is
// not an error, so a retried request gets the same answer.
func (s *Server) removeContactTag(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	return s.setContactTag(w, r, id, r.PathValue("tag"), false)
}

func (s *Server) setContactTag(w http.ResponseWriter, r *http.Request, id int64, tag string, add bool) error {
	p := Principal(r)
	if err := s.deps.Contacts.SetTag(r.Context(), p, id, tag, add); err != nil {
		return err
	}
	c, err := s.deps.Contacts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// stageInput is the body of PUT /contacts/{contactID}/lifecycle; "" clears
// the stage.
type stageInput struct {
	Stage *string `json:"stage"`
}

func (s *Server) setContactLifecycle(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	var in stageInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Stage == nil {
		return apperr.Invalid("stage", "is required (a lifecycle stage name, or \"\" to clear it)")
	}
	p := Principal(r)
	if err := s.deps.Contacts.SetLifecycle(r.Context(), p, id, *in.Stage); err != nil {
		// The domain names its own input; this body calls it "stage".
		var e *apperr.Error
		if errors.As(err, &e) && e.Kind == apperr.KindInvalid && e.Field == "lifecycle_stage" {
			return apperr.Invalid("stage", "%s", e.Message)
		}
		return err
	}
	c, err := s.deps.Contacts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}
