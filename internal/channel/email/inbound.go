package email

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/email/emailtext"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// maxFullTextBytes bounds the full text kept in a message's content (the
// content object is at most conversation.MaxContentBytes); the raw
// message keeps all of it.
const maxFullTextBytes = 40 << 10

// Content is the content of an inbound email message: what the timeline
// shows beside the reply's text, and what a reply threads on.
type Content struct {
	Type  string       `json:"type"` // text or attachment
	Text  string       `json:"text"` // the reply, as the timeline shows it
	Email EmailContent `json:"email"`
}

// EmailContent is the email's own part of Content.
type EmailContent struct {
	Subject    string    `json:"subject"`
	MessageID  string    `json:"message_id"`
	InReplyTo  string    `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	From       Address   `json:"from"`
	To         []Address `json:"to,omitempty"`
	Cc         []Address `json:"cc,omitempty"`
	ReplyTo    []Address `json:"reply_to,omitempty"`
	Date       time.Time `json:"date,omitzero"`
	// FullText is the whole body as text, quotes and signature included.
	FullText string `json:"full_text"`
	// FromHTML says FullText was made from the HTML body.
	FromHTML bool `json:"from_html,omitempty"`
	// RawMediaID is the stored raw message (.eml) in the media store; ""
	// when it could not be stored.
	RawMediaID string `json:"raw_media_id,omitempty"`
	// AutoSubmitted says a program wrote the mail (an out-of-office, an
	// acknowledgement): RFC 3834's Auto-Submitted value, or auto-replied
	// for the older X-Autoreply and Precedence: auto_reply; "" for a
	// person's mail. A reply does not thread on it (see thread).
	AutoSubmitted string   `json:"auto_submitted,omitempty"`
	Truncated     bool     `json:"truncated,omitempty"`
	Problems      []string `json:"problems,omitempty"`
}

// Inbound is the item Receive stores for e, received on ch, whose raw
// bytes are the media rawID ("" when they could not be stored: the
// attachments are then not fetchable, the text is kept).
func Inbound(ch channel.Channel, e Email, rawID string) conversation.Inbound {
	reply := emailtext.Reply(e.Text)
	if isForward(e.Subject) {
		// What a forward passes on is below the client's header block,
		// which Outlook writes as it writes a reply's quote: all of it
		// is the message.
		reply = strings.TrimSpace(e.Text)
	}
	c := Content{Type: "text", Text: reply, Email: EmailContent{Subject: e.Subject, MessageID: e.MessageID, InReplyTo: e.InReplyTo,
		References: e.References, From: e.From, To: e.To, Cc: e.Cc, ReplyTo: e.ReplyTo, Date: e.Date, FromHTML: e.HTML, RawMediaID: rawID, AutoSubmitted: e.AutoSubmitted}}
	c.Email.FullText = limit.CutBytes(e.Text, maxFullTextBytes)
	c.Email.Truncated = len(c.Email.FullText) < len(e.Text)
	for i, p := range e.Problems {
		if i == 5 {
			break
		}
		c.Email.Problems = append(c.Email.Problems, limit.Storable(p, 300))
	}
	in := conversation.Inbound{
		Kind:              conversation.KindMessage,
		WorkspaceID:       ch.WorkspaceID,
		ChannelID:         ch.ID,
		ExternalID:        e.From.Address,
		Profile:           profile(e.From),
		ProviderMessageID: e.MessageID,
		Type:              "text",
		Text:              reply,
		Timestamp:         e.Date,
		// An out-of-office answering our mail must not reopen the
		// conversation and run its workflows, which would mail again.
		Automatic: e.AutoSubmitted != "",
	}
	if strings.TrimSpace(reply) == "" && strings.TrimSpace(e.Subject) != "" {
		in.Text = e.Subject // an empty body: the subject says what it is about
	}
	if rawID != "" {
		for _, p := range e.Attachments {
			in.Media = append(in.Media, conversation.MediaRef{Ref: rawID + "/" + strconv.Itoa(p.Index), Kind: kindOf(p.ContentType),
				ContentType: p.ContentType, FileName: p.FileName, Size: p.Size})
		}
	}
	if len(in.Media) > 0 && strings.TrimSpace(in.Text) == "" {
		in.Type, c.Type = "attachment", "attachment"
	}
	in.Content, _ = json.Marshal(c)
	for len(in.Content) > conversation.MaxContentBytes && len(c.Email.FullText)+len(c.Text) > 0 {
		c.Email.FullText, c.Email.Truncated = limit.CutBytes(c.Email.FullText, len(c.Email.FullText)/2), true
		c.Text = limit.CutBytes(c.Text, len(c.Text)/2)
		c.Email.References = nil
		in.Content, _ = json.Marshal(c)
	}
	return in
}

// isForward says a subject is a forward's: "Fwd:", "FW:", and Outlook's
// prefixes in French (TR), German (WG), Spanish (RV) and Portuguese (Enc).
func isForward(subject string) bool {
	prefix, _, ok := strings.Cut(strings.TrimSpace(subject), ":")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(prefix)) {
	case "fwd", "fw", "tr", "wg", "rv", "enc":
		return true
	}
	return false
}

// profile is what an email tells of its sender: the address, and the
// display name split into first and last names.
func profile(a Address) contact.Input {
	var in contact.Input
	if a.Address != "" {
		addr := a.Address
		in.Email = &addr
	}
	name := strings.TrimSpace(strings.Trim(a.Name, `"'`))
	if name == "" || strings.Contains(name, "@") {
		return in
	}
	// "Lovelace, Ada" is how Outlook shows a directory name.
	if last, first, ok := strings.Cut(name, ","); ok && strings.TrimSpace(first) != "" {
		in.FirstName, in.LastName = contact.Names(first, last)
		return in
	}
	in.FirstName, in.LastName = contact.DisplayName(name)
	return in
}

// kindOf is the attachment kind of a content type.
func kindOf(ct string) string {
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case strings.HasPrefix(ct, "audio/"):
		return "audio"
	case strings.HasPrefix(ct, "video/"):
		return "video"
	}
	return "file"
}
