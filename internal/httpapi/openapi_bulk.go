package httpapi

import "github.com/switchboard-chat/switchboard/internal/contact"

// bulkOperations document the bulk actions on contacts and conversations
// (contacts.go, conversations_bulk.go).
var bulkOperations = map[string]opDoc{
	"POST /api/v1/contacts/bulk": {id: "bulkContacts", tag: tagContacts,
		summary: "Tag, untag, move to a lifecycle stage or delete many contacts",
		desc: "The contacts are contact_ids (at most 250), or every contact filter keeps (an object of the list's filters by their query names; {} for all): " +
			"250 a request, in id order, past after; while more remain the answer's next is the after of the request that goes on. " +
			"Each request is one transaction (all or none) and each contact is changed as its own request would change it, with the same events " +
			"(a tag or a stage set by bulk starts the workflows it would start one by one). A contact already so is matched, not changed. " +
			"action.type is add_tag or remove_tag (with tag), set_lifecycle (with stage; \"\" takes it off) or delete (needs delete_contacts, 403 without it). " +
			"Named contacts the caller may not see, or that do not exist, are listed in missing and left alone.",
		body: contact.BulkInput{}, required: []string{"action"}, status: 200, resp: contact.BulkResult{}},
	"GET /api/v1/contacts/count": {id: "countContacts", tag: tagContacts, summary: "How many contacts the list's filters keep",
		desc: "Those the caller may see: what a bulk action by the same filter reaches.", query: contactFilters(), status: 200, resp: contactCount{}},
	"POST /api/v1/conversations/bulk": {id: "bulkConversations", tag: tagConversations,
		summary: "Close, assign, unassign, snooze or mark read (or unread) many conversations",
		desc: "conversation_ids names 1 to 100 conversations; action.type is close (with category and summary as the workspace's closing notes ask), " +
			"assign (user_id and/or team_id, force, as POST …/{id}/assign: capacity holds), unassign, snooze (until, a time in the future " +
			"within a year), read or unread. Each conversation is changed " +
			"as its own request would change it, with its checks and events, one after another: done lists those changed, failed those left as they " +
			"were with the code and message their own request would have answered (closed already, an assignee at capacity, one the caller may not see: " +
			"not_found). A bad action or list is a 422 and changes nothing.",
		body: bulkConversations{}, required: []string{"conversation_ids", "action"}, status: 200, resp: bulkConversationResult{}},
}

func init() {
	for k, v := range bulkOperations {
		operations[k] = v
	}
}
