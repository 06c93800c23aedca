package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Window is a channel's customer-service window as the send path enforces
// it (channel.Window, which the channel package converts: it imports this
// one). Free text may be sent until Seconds after the contact's last
// message on the channel (0: always); until ExtendedSeconds with Tag
// stamped on the message's content as "message_tag"; after that only what
// Rule allows ("template": messages of type template; "none" or "":
// nothing until the contact writes again).
type Window struct {
	Seconds         int64
	ExtendedSeconds int64
	Tag             string
	Rule            string
}

// Windows tells a channel's window (channel.Service).
type Windows interface {
	WindowOf(ctx context.Context, channelID int64) (Window, error)
}

// ReplyWindow is a conversation's window as the API shows it, so the
// composer can say why free text is refused and offer templates.
type ReplyWindow struct {
	// Open: free text may be sent now (perhaps with Tag).
	Open bool `json:"open"`
	// ClosesAt is when free text stops being allowed (with Tag from
	// ClosesAt's end of the standard window, when the channel extends it);
	// zero when the contact never wrote on the channel.
	ClosesAt time.Time `json:"closes_at,omitzero"`
	// Tag is stamped on what is sent now, inside the extended window.
	Tag string `json:"tag,omitempty"`
	// Rule is what may be sent once closed: template or none.
	Rule string `json:"rule"`
	// Seconds is the standard window's length.
	Seconds int64 `json:"seconds"`
}

// MessageTypeTemplate is the type of an outbound message sending a
// provider's pre-approved template, allowed outside the window when the
// channel's rule is "template".
const MessageTypeTemplate = "template"

// windowState says where now falls in w for a contact whose last message
// on the channel was at last (Unix ms, 0: never).
func windowState(w Window, last, now int64) ReplyWindow {
	rw := ReplyWindow{Rule: w.Rule, Seconds: w.Seconds}
	if rw.Rule == "" {
		rw.Rule = "none"
	}
	if last == 0 {
		return rw
	}
	end := last + w.Seconds*1000
	if now < end {
		rw.Open, rw.ClosesAt = true, db.Time(end)
		if w.ExtendedSeconds > w.Seconds {
			rw.ClosesAt = db.Time(last + w.ExtendedSeconds*1000)
		}
		return rw
	}
	if ext := last + w.ExtendedSeconds*1000; w.ExtendedSeconds > w.Seconds && now < ext {
		rw.Open, rw.ClosesAt, rw.Tag = true, db.Time(ext), w.Tag
		return rw
	}
	rw.ClosesAt = db.Time(end)
	if w.ExtendedSeconds > w.Seconds {
		rw.ClosesAt = db.Time(last + w.ExtendedSeconds*1000)
	}
	return rw
}

// lastIncomingOn is when the contact last wrote on the channel (Unix ms,
// 0: never): when they sent it, by the provider's timestamp, if it is
// earlier than when it was stored. The provider's window runs from the
// sending, so a message redelivered late must not reopen it here; a
// provider clock ahead of ours does not move it past the arrival.
func lastIncomingOn(ctx context.Context, q db.Querier, contactID, channelID int64) (int64, error) {
	var last int64
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(CASE WHEN sent_at > 0 AND sent_at < created_at THEN sent_at ELSE created_at END), 0)
		FROM messages WHERE contact_id = ? AND channel_id = ? AND direction = 'in'`,
		contactID, channelID).Scan(&last)
	return last, err
}

// checkWindow refuses free text outside the channel's window (409
// reply_window_closed, naming when it closed) and stamps the extended
// window's tag on in's content; a template passes when the rule allows.
func checkWindow(ctx context.Context, tx *db.Tx, windows Windows, contactID, channelID int64, in *SendInput) error {
	if windows == nil {
		return nil
	}
	w, err := windows.WindowOf(ctx, channelID)
	if err != nil || w.Seconds <= 0 {
		return err
	}
	last, err := lastIncomingOn(ctx, tx, contactID, channelID)
	if err != nil {
		return err
	}
	rw := windowState(w, last, tx.Now())
	if in.Type == MessageTypeTemplate && rw.Rule == MessageTypeTemplate {
		return nil
	}
	if !rw.Open {
		return apperr.WithCode(apperr.KindConflict, "reply_window_closed", windowClosedMessage(w, rw, last))
	}
	if rw.Tag != "" {
		obj := map[string]json.RawMessage{}
		if json.Unmarshal(in.Content, &obj) != nil || obj == nil {
			obj = map[string]json.RawMessage{}
		}
		obj["message_tag"], _ = json.Marshal(rw.Tag)
		in.Content, _ = json.Marshal(obj)
	}
	return nil
}

// windowClosedMessage says why free text is refused, in words an agent
// reads in the composer and a workflow's run history shows.
func windowClosedMessage(w Window, rw ReplyWindow, last int64) string {
	secs := w.Seconds
	if w.ExtendedSeconds > secs {
		secs = w.ExtendedSeconds // the tag's extension closed too
	}
	length := fmt.Sprintf("%d-hour", secs/3600)
	switch {
	case secs%86400 == 0 && secs >= 2*86400:
		length = fmt.Sprintf("%d-day", secs/86400)
	case secs%3600 != 0:
		length = fmt.Sprintf("%d-minute", secs/60)
	}
	then := "only approved templates can be sent"
	if rw.Rule != MessageTypeTemplate {
		then = "nothing can be sent until the contact writes again"
	}
	if last == 0 {
		return fmt.Sprintf("The contact has not written on this channel, so its %s window is not open; %s", length, then)
	}
	return fmt.Sprintf("The %s window closed at %s; %s", length, rw.ClosesAt.UTC().Format("2006-01-02 15:04 UTC"), then)
}

// SetWindows makes Send enforce the channels' windows (the node sets its
// channel service; without, nothing is enforced).
func (s *Service) SetWindows(w Windows) { s.windows = w }

// Windows returns what SetWindows set, for callers that send through
// SendTx (workflow steps).
func (s *Service) Windows() Windows { return s.windows }

// ReplyWindow returns the window of the conversation's channel for its
// contact now; nil when the channel has none.
func (s *Service) ReplyWindow(ctx context.Context, c Conversation) (*ReplyWindow, error) {
	if s.windows == nil || c.ChannelID == 0 {
		return nil, nil
	}
	w, err := s.windows.WindowOf(ctx, c.ChannelID)
	if err != nil || w.Seconds <= 0 {
		return nil, err
	}
	last, err := lastIncomingOn(ctx, s.db.Reader(), c.ContactID, c.ChannelID)
	if err != nil {
		return nil, err
	}
	rw := windowState(w, last, s.db.Now())
	return &rw, nil
}
