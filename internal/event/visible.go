package event

import (
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// visibleTo returns an SQL condition over the events table that keeps the
// events p may see, decided on the conversations and contacts as they are
// now: an event of a conversation when p may see the conversation, or when
// it took the conversation from p (TakenFrom); an event of a contact alone
// when p may see the contact (or the contact is gone, so that
// contact.deleted reaches everyone who may have shown it); any other event
// (presence, settings, teams) always. It is "1=1" for an unrestricted
// principal and for the zero Principal of engine readers.
func visibleTo(p access.Principal, dialect db.Dialect) (string, []any) {
	if p.Unrestricted() {
		return "1=1", nil
	}
	conv, args := p.ConversationScope("vc")
	contact, contactArgs := p.ContactScope("vt")
	previous := payloadInt(dialect, "previous_assignee_id")
	// CASE, so that the payload is read (and on PostgreSQL cast) only for
	// the two types whose payload it is: an AND may be evaluated in any
	// order.
	args = append(args, ConversationAssigned, ConversationUnassigned, p.UserID)
	return `((events.conversation_id IS NOT NULL AND (EXISTS (SELECT 1 FROM conversations vc WHERE vc.id = events.conversation_id AND ` + conv + `)
			OR CASE WHEN events.type IN (?, ?) THEN ` + previous + ` = ? ELSE FALSE END))
		OR (events.conversation_id IS NULL AND (events.contact_id IS NULL
			OR NOT EXISTS (SELECT 1 FROM contacts vt WHERE vt.id = events.contact_id AND NOT ` + contact + `))))`,
		append(args, contactArgs...)
}

// TakenFrom returns the user an assignment change took its conversation
// from, zero for any other event. Such an event reaches that user too,
// though the conversation is no longer theirs to see: it is how their
// inbox learns the conversation left them (a reassignment, an unassignment
// by a manager, by routing or a deactivation).
func TakenFrom(e Event) int64 {
	if e.Type != ConversationAssigned && e.Type != ConversationUnassigned {
		return 0
	}
	var p struct {
		Previous int64 `json:"previous_assignee_id"`
	}
	if json.Unmarshal(e.Payload, &p) != nil {
		return 0
	}
	return p.Previous
}
