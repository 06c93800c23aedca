package workflow

import (
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

func init() { register("update_contact_field", func() stepImpl { return &updateContactField{} }) }

// updateContactField sets a standard field (first_name, last_name, email,
// phone, language, country) or a custom field (by key) of the contact to
// a text with variables; an empty value clears a custom field.
type updateContactField struct {
	Field string `json:"field"`
	Value string `json:"value,omitempty"` // empty clears a custom field
}

func (s *updateContactField) check(c *checker) {
	if s.Field == "" {
		c.add("settings.field", "is required")
	}
}

func (s *updateContactField) exits() []string { return []string{"next", "failure"} }

func (s *updateContactField) exec(x *execution) (result, error) {
	value := x.text(s.Value)
	x.log("field", s.Field)
	x.log("value", value)
	held, err := setContactField(x, s.Field, value)
	if err != nil {
		return result{}, err
	}
	if held != "" {
		return next(held), nil
	}
	return next(fmt.Sprintf("%s = %q", s.Field, value)), nil
}

// setContactField writes one field of the run's contact in the step's
// transaction (validated as the API would). A phone or email another
// contact holds is not written (see heldElsewhere): held then says why,
// for the step's history line, and the step goes on.
func setContactField(x *execution, field string, value any) (held string, err error) {
	if x.run.ContactID == 0 {
		return "", fmt.Errorf("the run has no contact")
	}
	var in contact.Input
	str := stringify(value)
	switch field {
	case "first_name":
		in.FirstName = &str
	case "last_name":
		in.LastName = &str
	case "email", "phone":
		if held, err := heldElsewhere(x, field, str); held != "" || err != nil {
			return held, err
		}
		if field == "email" {
			in.Email = &str
		} else {
			in.Phone = &str
		}
	case "language":
		in.Language = &str
	case "country":
		in.Country = &str
	default:
		// As text, as an Update Contact Field step's value is: a number
		// field reads a number from it, and a text or list field refuses
		// anything but a string (a rating answer of 4 to a list of "1" to
		// "5", a number to a text field).
		var v any = str
		if str == "" {
			v = nil
		}
		in.Fields = map[string]any{field: v}
	}
	return "", contact.UpdateTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, in)
}

// heldElsewhere checks a phone or email (field) for the run's contact
// against the others': one another contact holds cannot be saved (one
// contact per phone and per email), and failing the step for it (the
// store's 409) failed a run whose contact had answered well. The pair is
// suggested for a merge instead (SPEC §2) and the line returned says so;
// "" when the value is free (or invalid: UpdateTx refuses it as the API
// would).
func heldElsewhere(x *execution, field, value string) (string, error) {
	norm, err := contact.NormalizeEmail(value)
	if field == "phone" {
		norm, err = contact.NormalizePhone(value)
	}
	if err != nil || norm == "" {
		return "", nil
	}
	holder, err := contact.HolderTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, field, norm)
	if err != nil || holder == 0 {
		return "", err
	}
	suggested, err := contact.SuggestMergeTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, holder, field, norm)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("%s not saved: contact #%d holds it", field, holder)
	if suggested {
		line += "; a merge was suggested"
	}
	return line, nil
}

// save stores an answer or a response value where a step was told to;
// held is setContactField's.
func save(x *execution, to saveTarget, value any) (held string, err error) {
	switch to.Kind {
	case "variable":
		x.run.Data.Vars[to.Name] = value
		return "", nil
	case "tag":
		if x.run.ContactID == 0 {
			return "", fmt.Errorf("the run has no contact to tag")
		}
		_, err := contact.SetTagTx(x.ctx, x.tx, x.run.WorkspaceID, x.run.ContactID, stringify(value), true)
		return "", err
	}
	return setContactField(x, to.Name, value)
}
