package custom

import (
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// inbound turns the events of a payload received on ch into the items
// conversation.Receive stores, in the payload's order.
func inbound(ch channel.Channel, p Payload) []conversation.Inbound {
	profile := p.Contact.input()
	out := make([]conversation.Inbound, len(p.Events))
	for i, e := range p.Events {
		in := conversation.Inbound{
			WorkspaceID:       ch.WorkspaceID,
			ChannelID:         ch.ID,
			ExternalID:        p.ContactID,
			Profile:           profile,
			ProviderMessageID: e.MID,
		}
		if e.Timestamp > 0 {
			in.Timestamp = time.UnixMilli(e.Timestamp).UTC()
		}
		switch e.Type {
		case EventStatus:
			// Our statuses have respond.io's names.
			in.Kind, in.Status, in.Reason = conversation.KindStatus, e.Status, e.Reason
		case EventEcho:
			in.Kind = conversation.KindEcho
		default:
			in.Kind = conversation.KindMessage
		}
		if in.Kind != conversation.KindStatus {
			in.Type, in.Text, in.Content = e.Message.Type, e.Message.Text, e.Message.Content
		}
		out[i] = in
	}
	return out
}

// input maps the integrator's profile to contact fields, leaving out what
// it did not give so that nothing is overwritten with blanks.
func (c Contact) input() contact.Input {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return contact.Input{
		FirstName: opt(c.FirstName),
		LastName:  opt(c.LastName),
		Phone:     opt(c.Phone),
		Email:     opt(c.Email),
		Language:  opt(c.Language),
		Country:   opt(c.CountryCode),
		AvatarURL: opt(c.ProfilePic),
	}
}
