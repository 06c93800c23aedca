package workflow

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

func init() { registerTrigger("incoming_webhook", func() triggerImpl { return &webhookTrigger{} }) }

// webhookTrigger starts a run when a system POSTs to the workflow's URL
// with its secret. The body's "contact" object identifies the contact by
// id, phone or email; with CreateContact an unknown one is created. The
// whole body is the run's {{trigger.*}} data.
type webhookTrigger struct {
	IdentifyBy    string `json:"identify_by"` // id, phone or email
	CreateContact bool   `json:"create_contact,omitempty"`
}

func (t *webhookTrigger) check(c *checker) {
	if !slices.Contains([]string{"id", "phone", "email"}, t.IdentifyBy) {
		c.add("trigger.conditions.identify_by", "must be id, phone or email")
	}
	if t.CreateContact && t.IdentifyBy == "id" {
		c.add("trigger.conditions.create_contact", "needs identify_by phone or email (an id cannot create a contact)")
	}
}

func (t *webhookTrigger) on() event.Type { return "" }
func (t *webhookTrigger) match(context.Context, *db.Tx, event.Event) (map[string]any, bool, error) {
	return nil, false, nil
}

// webhookContact is the "contact" object of a webhook body.
type webhookContact struct {
	ID        int64  `json:"id"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// WebhookTarget is an active incoming-webhook workflow whose secret a
// caller presented: what ReceiveWebhook needs to start a run.
type WebhookTarget struct {
	workspaceID, workflowID int64
	version                 int
}

// AuthorizeWebhook checks a webhook's secret, before its body is read, so
// a caller without it cannot hold the server reading a slow body. The
// secret is compared in constant time (as digests, so not even its length
// shows); a wrong one is indistinguishable from an unknown workflow.
func (s *Service) AuthorizeWebhook(ctx context.Context, workflowID int64, secret string) (WebhookTarget, error) {
	t := WebhookTarget{workflowID: workflowID}
	var stored, trigger string
	var active int
	err := s.db.Reader().QueryRow(ctx, `SELECT workspace_id, published_version, webhook_secret, trigger_type, active FROM workflows WHERE id = ?`,
		workflowID).Scan(&t.workspaceID, &t.version, &stored, &trigger, &active)
	got, want := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(stored))
	if err != nil || stored == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return WebhookTarget{}, apperr.NotFound("workflow webhook")
	}
	if trigger != "incoming_webhook" || active != 1 {
		return WebhookTarget{}, apperr.Conflict("workflow %d is not an active incoming-webhook workflow", workflowID)
	}
	return t, nil
}

// ReceiveWebhook starts a run of the workflow AuthorizeWebhook let in,
// with the webhook's body as its trigger data.
func (s *Service) ReceiveWebhook(ctx context.Context, target WebhookTarget, body []byte) (int64, error) {
	ws, workflowID, version := target.workspaceID, target.workflowID, target.version
	var payload map[string]any
	if err := decodeJSON(body, &payload); err != nil {
		return 0, apperr.BadRequest("the body must be a JSON object: %v", err)
	}
	var in struct {
		Contact webhookContact `json:"contact"`
	}
	json.Unmarshal(body, &in)
	d, err := s.version(ctx, s.db.Reader(), workflowID, version)
	if err != nil {
		return 0, err
	}
	var t webhookTrigger
	if err := decodeSettings(d.Trigger.Conditions, &t); err != nil {
		return 0, err
	}
	var runID int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		contactID, err := t.identify(ctx, tx, ws, in.Contact)
		if err != nil {
			return err
		}
		conv, err := conversation.OpenOfTx(ctx, tx, ws, contactID)
		if err != nil {
			return err
		}
		// The body is {{trigger.*}}, its own "type" included (a shop's
		// "order.paid", which a Branch routes on); a body without one
		// reads the trigger's there, as the other triggers' runs do.
		if _, ok := payload["type"]; !ok {
			payload["type"] = "incoming_webhook"
		}
		runID, err = insertRun(ctx, tx, newRun{workspaceID: ws, workflowID: workflowID, version: version, step: d.first(),
			contactID: contactID, conversationID: conv.ID, trigger: payload, oncePerContact: d.Trigger.OncePerContact}, s.db.Now())
		return err
	})
	if err != nil {
		return 0, err
	}
	return runID, nil
}

// identify finds (or creates) the webhook's contact.
func (t *webhookTrigger) identify(ctx context.Context, tx *db.Tx, ws int64, c webhookContact) (int64, error) {
	switch t.IdentifyBy {
	case "id":
		if _, err := contact.GetTx(ctx, tx, ws, c.ID); err != nil {
			return 0, apperr.Invalid("contact.id", "no contact %d in this workspace", c.ID)
		}
		return c.ID, nil
	}
	value := c.Phone
	if t.IdentifyBy == "email" {
		value = c.Email
	}
	if err := limit.Text("contact."+t.IdentifyBy, value, contact.MaxEmailLen); err != nil {
		return 0, err
	}
	if value == "" {
		return 0, apperr.Invalid("contact."+t.IdentifyBy, "is required to identify the contact")
	}
	in := contact.Input{}
	if t.IdentifyBy == "phone" {
		in.Phone = &value
	} else {
		in.Email = &value
	}
	id, err := contact.FindTx(ctx, tx, ws, in)
	if err != nil || id != 0 {
		return id, inContact(err)
	}
	if !t.CreateContact {
		return 0, apperr.Invalid("contact."+t.IdentifyBy, "no contact has %s %q", t.IdentifyBy, value)
	}
	first := c.FirstName
	if first == "" {
		first = value
	}
	in.FirstName, in.LastName = &first, &c.LastName
	id, err = contact.CreateTx(ctx, tx, ws, in)
	return id, inContact(err)
}

// inContact names an invalid contact value as the webhook body does:
// contact.first_name, contact.phone…
func inContact(err error) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Kind == apperr.KindInvalid && !strings.HasPrefix(e.Field, "contact.") {
		return apperr.Invalid("contact."+e.Field, "%s", e.Message)
	}
	return err
}
