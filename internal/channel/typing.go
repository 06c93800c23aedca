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

// TypingSigns shows a conversation's contact that an agent is writing to
// them, on the channels whose provider can (Typer): the agent's live
// socket says it started typing, and the node it is connected to calls the
// provider. The web app renews "start" every few seconds while the agent
// types; a sign still showing is not asked for again, so a provider is
// called about once per sign's life per conversation. The calls never
// hold up the socket: each runs on its own goroutine, a few at once per
// node, and one beyond those is skipped (the next renewal asks again).
// Nothing is stored: a sign is a hint, and one lost costs nothing.
type TypingSigns struct {
	channels *Service
	db       *db.DB
	clock    clock.Clock
	slots    chan struct{}

	mu sync.Mutex
	// signs are the conversations whose contact was shown a sign, until
	// when it is not asked for again; entries past their time are swept
	// as new ones come, so a node where nobody types holds none.
	signs map[int64]sign

	callDone func() // tests: after each call, its outcome stored
}

type sign struct {
	until time.Time
	shown bool // the provider was called: a stop may take it down
}

const (
	// typingCalls is how many provider calls a node makes at once.
	typingCalls = 8
	// typingTimeout bounds one call: a sign that late is useless.
	typingTimeout = 5 * time.Second
	// typingMargin is how long before a sign ends it may be shown again,
	// so a renewal every 3 s keeps a 5-second sign (Telegram's) up.
	typingMargin = 2500 * time.Millisecond
	// typingNone is how long a conversation whose channel shows no sign
	// (custom, email, SMS; the widget's visitor hears the live hub), or
	// whose provider refused it, is not looked up again.
	typingNone = time.Minute
	// typingSweep is the number of entries above which a new one sweeps
	// those past their time.
	typingSweep = 256
)

// NewTypingSigns returns the node's typing signs over channels' providers;
// c is the clock the signs' lives are counted on (nil: d's).
func NewTypingSigns(channels *Service, d *db.DB, c clock.Clock) *TypingSigns {
	if c == nil {
		c = d.Clock()
	}
	return &TypingSigns{channels: channels, db: d, clock: c, slots: make(chan struct{}, typingCalls), signs: map[int64]sign{}}
}

// Show shows conv's contact that someone is writing to them, on the
// channel they last wrote from, unless a sign shown for conv still
// shows. It returns at once.
func (t *TypingSigns) Show(conv conversation.Conversation) {
	if conv.ChannelID == 0 || conv.Status == conversation.StatusClosed {
		return
	}
	now := t.clock.Now()
	t.mu.Lock()
	if now.Before(t.signs[conv.ID].until) {
		t.mu.Unlock()
		return
	}
	if len(t.signs) >= typingSweep {
		for id, s := range t.signs {
			if !now.Before(s.until) {
				delete(t.signs, id)
			}
		}
	}
	// Held while the call is made, so renewals meanwhile make none.
	t.signs[conv.ID] = sign{until: now.Add(typingTimeout)}
	t.mu.Unlock()
	t.call(conv, now, true)
}

// Hide takes down the sign shown for conv, where the provider can (an
// agent who stopped without sending; a sent message takes it down by
// itself). Nothing is called when no sign shows.
func (t *TypingSigns) Hide(conv conversation.Conversation) {
	now := t.clock.Now()
	t.mu.Lock()
	s, ok := t.signs[conv.ID]
	if !ok || !s.shown || !now.Before(s.until) {
		t.mu.Unlock()
		return
	}
	delete(t.signs, conv.ID)
	t.mu.Unlock()
	t.call(conv, now, false)
}

// call runs one provider call on a goroutine of its own, or skips it when
// typingCalls are in flight.
func (t *TypingSigns) call(conv conversation.Conversation, now time.Time, on bool) {
	select {
	case t.slots <- struct{}{}:
	default:
		if on {
			t.forget(conv.ID)
		}
		return
	}
	go func() {
		defer func() {
			<-t.slots
			if t.callDone != nil {
				t.callDone()
			}
		}()
		ctx, cancel := context.WithTimeout(db.WithWorkspace(context.Background(), conv.WorkspaceID), typingTimeout)
		defer cancel()
		lasts, err := t.typing(ctx, conv, on)
		if !on {
			return
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		switch {
		case err != nil, lasts == 0:
			// No sign there (a refusal: outside the reply window, the
			// contact gone), asked again after a while, not at the next
			// renewal.
			t.signs[conv.ID] = sign{until: now.Add(typingNone)}
		default:
			t.signs[conv.ID] = sign{until: now.Add(max(lasts-typingMargin, time.Second)), shown: true}
		}
	}()
}

// forget drops conv's entry, so the next renewal asks again.
func (t *TypingSigns) forget(id int64) {
	t.mu.Lock()
	delete(t.signs, id)
	t.mu.Unlock()
}

// typing makes the provider call for conv and returns how long the sign
// lasts: 0 when its channel's provider shows none.
func (t *TypingSigns) typing(ctx context.Context, conv conversation.Conversation, on bool) (time.Duration, error) {
	ch, err := t.channels.Read(ctx, conv.ChannelID)
	if err != nil {
		return 0, err
	}
	var typer Typer
	if t.channels.reg != nil {
		if p, ok := t.channels.reg.Provider(ch.Type); ok {
			typer, _ = p.(Typer)
		}
	}
	if typer == nil {
		return 0, nil
	}
	external, err := contact.IdentityOf(ctx, t.db.Reader(), ch.ID, conv.ContactID, conv.ContactExternalID)
	if err != nil {
		return 0, err
	}
	replyTo, err := conversation.LastInboundProviderID(ctx, t.db.Reader(), conv.ID, ch.ID)
	if err != nil {
		return 0, err
	}
	if err := typer.Typing(ctx, ch, external, replyTo, on); err != nil {
		slog.Debug("typing sign not shown", "channel", ch.ID, "conversation", conv.ID, "on", on, "err", limit.Clip(err.Error(), 300))
		return 0, err
	}
	return typer.TypingLasts(), nil
}
