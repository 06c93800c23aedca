package httpapi

import "github.com/switchboard-chat/switchboard/internal/contact"

// blockOperations document blocking a contact (contact_block.go).
var blockOperations = map[string]opDoc{
	"POST /api/v1/contacts/{contactID}/block": {id: "blockContact", tag: tagContacts,
		summary: "Block a contact (spam, abuse): their messages open no conversation",
		desc: "Closes the contact's open or snoozed conversation (source user, or api for a token; the note \"Contact blocked\", no category whatever " +
			"the workspace requires). From then on each message of theirs is stored, once, in no conversation — its message.received carries " +
			"blocked: true and no conversation — so nothing opens, no workflow starts and nobody is notified; opening a conversation for them is a 409. " +
			"The contact carries blocked_at and blocked_by; a contact.updated (changed: blocked) is recorded. Blocking a blocked contact changes nothing. " +
			"Any role, on a contact the caller may see (404 otherwise).",
		status: 200, resp: contact.Contact{}, errors: []int{404}},
	"POST /api/v1/contacts/{contactID}/unblock": {id: "unblockContact", tag: tagContacts,
		summary: "Unblock a contact: their next message opens a conversation again",
		desc:    "Messages they wrote while blocked stay where they were stored, in no conversation. Unblocking a contact not blocked changes nothing.",
		status:  200, resp: contact.Contact{}, errors: []int{404}},
}

func init() {
	for k, v := range blockOperations {
		operations[k] = v
	}
}
