package event

import "github.com/switchboard-chat/switchboard/internal/access"

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
