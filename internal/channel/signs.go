package channel

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Signs tells a conversation's contact what its agents do, on the
// channels whose provider can: that one is writing a reply (Typer), and
// that their messages were read (ReadMarker). The agent's browser says
// so (its live socket's typing notice, its read of the conversation) and
// the node it is connected to calls the provider. The calls never hold
// up the caller: each runs on its own goroutine, a few at once per node,
// and one beyond those is skipped (typing renews, a read comes again).
// Nothing is stored: a sign is a hint, and one lost costs nothing.
//
// The web app renews "start" every few seconds while the agent types; a
// typing sign still showing is not asked for again, so a provider is
// called about once per sign's life per conversation. A read marks the
// contact's newest message, once per message.
type Signs struct {
	channels *Service
	db       *db.DB
	clock    clock.Clock
	slots    chan struct{}

	mu sync.Mutex
	// typing are the conversations whose contact was shown a typing
	// sign, until when it is not asked for again; entries past their
	// time are swept as new ones come, so a node where nobody types
	// holds none.
	typing map[int64]sign
	// read is the provider id of the message each conversation's contact
	// was last told was read; emptied whole when it grows past
	// signsKept (a read told twice is harmless).
	read map[int64]string

	callDone func() // tests: after each call, its outcome stored
}

type sign struct {
	until time.Time
	shown bool // the provider was called: a stop may take it down
}

const (
	// signCalls is how many provider calls a node makes at once.
	signCalls = 8
	// signTimeout bounds one call: a sign that late is useless.
	signTimeout = 5 * time.Second
	// typingMargin is how long before a sign ends it may be shown again,
	// so a renewal every 3 s keeps a 5-second sign (Telegram's) up.
	typingMargin = 2500 * time.Millisecond
	// typingNone is how long a conversation whose channel shows no sign
	// (custom, email, SMS; the widget's visitor hears the live hub), or
	// whose provider refused it, is not looked up again.
	typingNone = time.Minute
	// typingSweep is the number of typing entries above which a new one
	// sweeps those past their time.
	typingSweep = 256
	// signsKept bounds the read entries.
	signsKept = 4096
)

// NewSigns returns the node's signs over channels' providers; c is the
// clock the typing signs' lives are counted on (nil: d's).
func NewSigns(channels *Service, d *db.DB, c clock.Clock) *Signs {
	if c == nil {
		c = d.Clock()
	}
	return &Signs{channels: channels, db: d, clock: c, slots: make(chan struct{}, signCalls),
		typing: map[int64]sign{}, read: map[int64]string{}}
}

// Typing shows conv's contact that someone is writing to them (on), on
// the channel they last wrote from, unless a sign shown for conv still
// shows; or takes the sign down (!on) where the provider can (an agent
// who stopped without sending: a sent message takes it down by itself).
// It returns at once.
func (s *Signs) Typing(conv conversation.Conversation, on bool) {
	if conv.ChannelID == 0 || conv.Status == conversation.StatusClosed {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	cur, ok := s.typing[conv.ID]
	switch {
	case on && now.Before(cur.until):
		s.mu.Unlock()
		return
	case on:
		if len(s.typing) >= typingSweep {
			for id, t := range s.typing {
				if !now.Before(t.until) {
					delete(s.typing, id)
				}
			}
		}
		// Held while the call is made, so renewals meanwhile make none.
		s.typing[conv.ID] = sign{until: now.Add(signTimeout)}
	case !ok || !cur.shown || !now.Before(cur.until):
		s.mu.Unlock()
		return // no sign shows
	default:
		delete(s.typing, conv.ID)
	}
	s.mu.Unlock()
	s.call(conv, func(ctx context.Context, t target) {
		lasts, err := s.showTyping(ctx, t, on)
		if !on {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil || lasts == 0 {
			// No sign there (a refusal: outside the reply window, the
			// contact gone), asked again after a while, not at the next
			// renewal.
			s.typing[conv.ID] = sign{until: now.Add(typingNone)}
			return
		}
		s.typing[conv.ID] = sign{until: now.Add(max(lasts-typingMargin, time.Second)), shown: true}
	}, func() {
		if on {
			s.mu.Lock()
			delete(s.typing, conv.ID) // skipped: the next renewal asks again
			s.mu.Unlock()
		}
	})
}

// Read tells conv's contact, where the channel can and is set to, that
// their messages were read: an agent has the conversation in view. It
// returns at once.
func (s *Signs) Read(conv conversation.Conversation) {
	if conv.ChannelID == 0 {
		return
	}
	s.call(conv, func(ctx context.Context, t target) {
		marker, ok := t.provider.(ReadMarker)
		if !ok || t.replyTo == "" {
			return
		}
		s.mu.Lock()
		done := s.read[conv.ID] == t.replyTo
		s.mu.Unlock()
		if done {
			return
		}
		if err := marker.MarkRead(ctx, t.ch, t.external, t.replyTo); err != nil {
			slog.Debug("read receipt not sent", "channel", t.ch.ID, "conversation", conv.ID, "err", limit.Clip(err.Error(), 300))
			return
		}
		s.mu.Lock()
		if len(s.read) >= signsKept {
			clear(s.read)
		}
		s.read[conv.ID] = t.replyTo
		s.mu.Unlock()
	}, nil)
}

// target is what a sign's provider call needs: the conversation's
// channel and provider, the contact's id there, and the provider's id of
// the contact's newest message there ("" if none).
type target struct {
	ch       Channel
	provider Provider
	external string
	replyTo  string
}

// call runs fn with conv's target on a goroutine of its own, or runs
// skipped instead when signCalls are in flight. A conversation whose
// target cannot be read runs nothing.
func (s *Signs) call(conv conversation.Conversation, fn func(context.Context, target), skipped func()) {
	select {
	case s.slots <- struct{}{}:
	default:
		if skipped != nil {
			skipped()
		}
		return
	}
	go func() {
		defer func() {
			<-s.slots
			if s.callDone != nil {
				s.callDone()
			}
		}()
		ctx, cancel := context.WithTimeout(db.WithWorkspace(context.Background(), conv.WorkspaceID), signTimeout)
		defer cancel()
		t, err := s.target(ctx, conv)
		if err != nil {
			slog.Debug("sign not shown", "conversation", conv.ID, "err", limit.Clip(err.Error(), 300))
			t = target{} // fn sees no provider
		}
		fn(ctx, t)
	}()
}

// target reads conv's target.
func (s *Signs) target(ctx context.Context, conv conversation.Conversation) (target, error) {
	// As webhooks see it (cached a few seconds): a sign is a hint, and a
	// conversation read or typed in asks again and again.
	ch, err := s.channels.Lookup(ctx, conv.ChannelID)
	if err != nil {
		return target{}, err
	}
	t := target{ch: ch}
	if s.channels.reg != nil {
		t.provider, _ = s.channels.reg.Provider(ch.Type)
	}
	_, typer := t.provider.(Typer)
	_, marker := t.provider.(ReadMarker)
	if !typer && !marker {
		return t, nil
	}
	if t.external, err = contact.IdentityOf(ctx, s.db.Reader(), ch.ID, conv.ContactID, conv.ContactExternalID); err != nil {
		return target{}, err
	}
	if t.replyTo, err = conversation.LastInboundProviderID(ctx, s.db.Reader(), conv.ID, ch.ID); err != nil {
		return target{}, err
	}
	return t, nil
}

// showTyping makes the typing call of t and returns how long the sign
// lasts: 0 when its provider shows none.
func (s *Signs) showTyping(ctx context.Context, t target, on bool) (time.Duration, error) {
	typer, ok := t.provider.(Typer)
	if !ok {
		return 0, nil
	}
	if err := typer.Typing(ctx, t.ch, t.external, t.replyTo, on); err != nil {
		slog.Debug("typing sign not shown", "channel", t.ch.ID, "on", on, "err", limit.Clip(err.Error(), 300))
		return 0, err
	}
	return typer.TypingLasts(), nil
}
