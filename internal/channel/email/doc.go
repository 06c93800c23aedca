// Package email is the email channel: customers write to the channel's
// address and agents answer from it, the contact's mail client keeping
// one thread.
//
// Mail comes in two ways, both ending in Deliver: the node's SMTP
// listener (Listener: the node is the MX, or a relay forwards to it;
// 250 is answered only once the message is durably stored, 4xx when it
// could not be, so the sender retries) and, per channel with an IMAP
// server set, one IMAP poller per cluster (RunIMAP) that reads the
// mailbox after the last UID stored, marks each message \Seen once
// stored, and then waits in IDLE. Two nodes never read the same mailbox:
// a poller holds the mailbox's lease (email_mailboxes.holder and
// lease_until), taken with one conditional UPDATE and renewed every
// LeaseDuration/3 while connected. A lease is held under the node's id
// (Holder), so a node that dies hands the mailbox over when it is found
// dead, as its other claims (internal/node): the node that takes the
// leases back tells DueMailbox, which wakes the pollers waiting for them.
// A changed UIDVALIDITY (or a channel moved to another mailbox) makes
// the poller read the mailbox from the start; what it had stored is
// known by its Message-ID, the provider message id, so nothing is stored
// twice.
//
// Deliver keeps the raw message (.eml) in the media store, parses it
// (Parse: the sender, the threading headers, text/plain preferred to the
// HTML turned into text, attachments) and hands it to the receive path:
// the timeline shows the reply without its quotes and signature
// (emailtext.Reply), the content keeps the full text, the subject and the
// headers, and each attachment is a media reference "<raw id>/<part>"
// that FetchMedia extracts from the stored raw message. A message that is
// not well-formed MIME is stored with what could be read, never dropped.
// An automatic reply (Auto-Submitted, an out-of-office) never opens or
// reopens a conversation (conversation.Inbound.Automatic): with none to
// go in it is acknowledged, logged and counted, not stored.
//
// Replies (Send) go out through the channel's SMTP server as an answer
// to the conversation's latest email a person wrote: "Re: <subject>",
// In-Reply-To its Message-ID, References its references and that id, and
// a Message-ID of ours, the same for every attempt of a message and
// unguessable (an HMAC under the channel's token: a bounce naming it
// fails the message, see messageID); it goes
// to that email's Reply-To, if any, else to the contact. Every connection to a
// mail server is dialled through the node's guard.
//
// Dependencies, each for what the standard library lacks:
//   - github.com/emersion/go-smtp: an SMTP server (net/smtp has only a
//     client, and a frozen one) for the listener, and the client for
//     replies, with STARTTLS, AUTH and the server's reply codes as
//     errors, which decide retried (4xx) or failed (5xx).
//   - github.com/emersion/go-imap/v2: an IMAP client with IDLE and
//     unilateral updates (the standard library has no IMAP), and its
//     in-memory server for the tests.
//   - github.com/emersion/go-message: MIME as real mail writes it
//     (nested multiparts, transfer encodings, RFC 2047 words, charsets
//     beyond UTF-8 through its charset package); net/mail reads headers
//     only, mime/multipart neither decodes charsets nor writes mail.
//   - github.com/emersion/go-sasl: the PLAIN mechanism go-smtp's AUTH
//     takes (a dependency of go-smtp already).
package email
