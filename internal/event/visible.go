package event

import (
	"context"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// visibleTo returns an SQL condition over the events table that keeps the
// events p may see, decided on the conversations and contacts as they are
// now: an event of a conversation when p may see the conversation; an
// event of a contact alone when p may see the contact (or the contact is
// gone, so that contact.deleted reaches everyone who may have shown it);
// any other event (presence, settings, teams) always. It is "1=1" for an
// unrestricted principal and for the zero Principal of engine readers.
func visibleTo(p access.Principal) (string, []any) {
	if p.Unrestricted() {
		return "1=1", nil
	}
	conv, args := p.ConversationScope("vc")
	contact, contactArgs := p.ContactScope("vt")
	return `((events.conversation_id IS NOT NULL AND EXISTS (SELECT 1 FROM conversations vc WHERE vc.id = events.conversation_id AND ` + conv + `))
		OR (events.conversation_id IS NULL AND (events.contact_id IS NULL
			OR NOT EXISTS (SELECT 1 FROM contacts vt WHERE vt.id = events.contact_id AND NOT ` + contact + `))))`,
		append(args, contactArgs...)
}

// Visible keeps the events of list that p may see now, in order, with one
// query: a live stream decides on current visibility as it delivers, since
// a conversation may have been assigned away (or to the agent) since the
// event was appended.
func Visible(ctx context.Context, q db.Querier, p access.Principal, list []Event) ([]Event, error) {
	if p.Unrestricted() || len(list) == 0 {
		return list, nil
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	in, args := db.In(ids)
	cond, condArgs := visibleTo(p)
	keep, err := db.QueryIDs(ctx, q, `SELECT id FROM events WHERE id IN `+in+` AND `+cond, append(args, condArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("event: visible: %w", err)
	}
	seen := make(map[int64]bool, len(keep))
	for _, id := range keep {
		seen[id] = true
	}
	out := list[:0:0]
	for _, e := range list {
		if seen[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}
