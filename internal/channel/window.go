package channel

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// WindowOf returns the customer-service window of a channel: its
// provider's Window when the provider is Windowed, else its Capabilities'
// reply window (zero: none). It reads the channel through the webhook
// cache.
func (s *Service) WindowOf(ctx context.Context, channelID int64) (conversation.Window, error) {
	if s.reg == nil {
		return conversation.Window{}, nil
	}
	ch, err := s.Lookup(ctx, channelID)
	if err != nil {
		return conversation.Window{}, err
	}
	p, ok := s.reg.Provider(ch.Type)
	if !ok {
		return conversation.Window{}, nil
	}
	w := WindowOf(p, ch)
	return conversation.Window{Seconds: w.Seconds, ExtendedSeconds: w.ExtendedSeconds, Tag: w.Tag, Rule: w.Rule}, nil
}

// WindowOf is the window of channel ch of provider p (see Service.WindowOf).
func WindowOf(p Provider, ch Channel) Window {
	if wp, ok := p.(Windowed); ok {
		return wp.Window(ch)
	}
	caps := p.Capabilities()
	return Window{Seconds: caps.ReplyWindowSeconds, Rule: caps.ReplyWindowRule}
}

var _ conversation.Windows = (*Service)(nil)

// AddressingOf says how channels of the type reach a contact who never
// wrote on them: by their phone or email when the provider is an
// Addresser, else not at all (zero).
func (s *Service) AddressingOf(channelType string) conversation.Addressing {
	p, ok := s.reg.Provider(channelType)
	if !ok {
		return conversation.Addressing{}
	}
	a, ok := p.(Addresser)
	if !ok {
		return conversation.Addressing{}
	}
	return conversation.Addressing{By: a.AddressedBy(), ExternalID: a.ExternalIDOf}
}

var _ conversation.Addressers = (*Service)(nil)
