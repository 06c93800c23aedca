package widget

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
)

// maxRateKeys bounds the visitors and sites a node's limiters track.
const maxRateKeys = 100_000

// api serves the visitor API of every widget channel.
type api struct {
	in       channel.Inbox
	deps     *Deps
	visitors *ratelimit.Limiter[string]
	origins  *ratelimit.Limiter[string]
	sockets  *sockets
	team     availability
}

func newAPI(in channel.Inbox, d *Deps) *api {
	l := d.Limits
	if l == (Limits{}) {
		l = DefaultLimits
	}
	return &api{in: in, deps: d,
		visitors: ratelimit.New[string](d.Clock, l.PerVisitor, l.VisitorRefill, maxRateKeys),
		origins:  ratelimit.New[string](d.Clock, l.PerOrigin, l.OriginRefill, maxRateKeys),
		sockets:  newSockets(l.MaxSockets, l.SocketsPerAddr)}
}

// request is one visitor API call on a widget channel, from an allowed page.
type request struct {
	ch     channel.Channel
	cfg    Config
	origin string
}

// handle wraps a visitor API handler: the channel must be a widget
// channel (404 otherwise), the page's Origin one of its allowed origins
// (403 otherwise, without CORS headers, so the browser also hides the
// answer); then the answer carries the CORS headers for that origin.
func (a *api) handle(fn func(w http.ResponseWriter, r *http.Request, q request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := a.request(r)
		if err == nil {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", q.origin)
			h.Add("Vary", "Origin")
			h.Set("Cache-Control", "no-store")
			err = fn(w, r, q)
		}
		if err != nil {
			httpjson.WriteError(w, r, err)
		}
	})
}

func (a *api) request(r *http.Request) (request, error) {
	id, err := strconv.ParseInt(r.PathValue("channelID"), 10, 64)
	if err != nil || id <= 0 {
		return request{}, apperr.NotFound("channel")
	}
	ch, err := a.in.Channels.Lookup(r.Context(), id)
	if err != nil {
		return request{}, err
	}
	if ch.Type != Type {
		return request{}, apperr.NotFound("channel")
	}
	cfg := parseConfig(ch.Config)
	origin := r.Header.Get("Origin")
	if !cfg.allows(origin) {
		return request{}, apperr.Forbidden(fmt.Sprintf("the origin %q may not embed this widget (add it to the channel's allowed origins)", limit.Clip(origin, 100)))
	}
	return request{ch: ch, cfg: cfg, origin: origin}, nil
}

// preflight answers a CORS preflight from an allowed page.
func (a *api) preflight(w http.ResponseWriter, r *http.Request, q request) error {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// takeOrigin spends one of the page's site's requests.
func (a *api) takeOrigin(q request) error {
	if ok, wait := a.origins.Take(strconv.FormatInt(q.ch.ID, 10) + " " + q.origin); !ok {
		return apperr.TooMany(wait, "too many requests from this site; try again in a moment")
	}
	return nil
}

// takeVisitor spends one of the visitor's messages, and one of the
// site's requests.
func (a *api) takeVisitor(q request, v Visitor) error {
	key := strconv.FormatInt(q.ch.ID, 10) + " " + v.VisitorID
	if ok, wait := a.visitors.Take(key); !ok {
		return apperr.TooMany(wait, "you are sending messages too fast; wait a moment")
	}
	if err := a.takeOrigin(q); err != nil {
		// Refused for the site, the message is not taken: it costs the
		// visitor nothing, or their retries meanwhile would leave them
		// "too fast" once the site may send again.
		a.visitors.Refund(key)
		return err
	}
	return nil
}

// Settings are the widget's settings as the script draws them.
type Settings struct {
	ChannelID     int64  `json:"channel_id"`
	Name          string `json:"name"`
	Color         string `json:"color"`
	Greeting      string `json:"greeting"`
	AwayMessage   string `json:"away_message,omitempty"`
	Position      string `json:"position"`
	PreChatForm   bool   `json:"pre_chat_form"`
	MaxTextLength int    `json:"max_text_length"`
	// MaxUploadBytes is the largest file a visitor may send (0: none).
	MaxUploadBytes int64 `json:"max_upload_bytes"`
}

// settings is GET /widget/{channelID}/settings.
func (a *api) settings(w http.ResponseWriter, r *http.Request, q request) error {
	httpjson.WriteJSON(w, http.StatusOK, Settings{ChannelID: q.ch.ID, Name: q.ch.Name, Color: q.cfg.Color,
		Greeting: q.cfg.Greeting, AwayMessage: q.cfg.AwayMessage, Position: q.cfg.Position, PreChatForm: q.cfg.PreChatForm, MaxTextLength: MaxTextLength, MaxUploadBytes: a.maxUpload()})
	return nil
}

// createVisitor is POST /widget/{channelID}/visitors: a new visitor's
// credentials, which the script keeps in the site's localStorage.
func (a *api) createVisitor(w http.ResponseWriter, r *http.Request, q request) error {
	if err := a.takeOrigin(q); err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, newVisitor(q.ch))
	return nil
}

// History is the answer of GET /widget/{channelID}/messages.
type History struct {
	Messages []Message `json:"messages"`
	// SeenAt is when a person last read the visitor's conversation: their
	// messages stored up to then were seen (absent: none was).
	SeenAt *time.Time `json:"seen_at,omitempty"`
	// Closed: the conversation of the newest message is closed (the
	// visitor's next message starts another).
	Closed bool `json:"closed,omitempty"`
}

// history is GET /widget/{channelID}/messages?after=<id>: the visitor's
// own messages and the replies to them, and never anyone else's.
func (a *api) history(w http.ResponseWriter, r *http.Request, q request) error {
	v := visitorOf(r)
	if err := authenticate(q.ch, v); err != nil {
		return err
	}
	var after int64
	if s := r.URL.Query().Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return apperr.BadRequest("after must be a message id")
		}
		after = n
	}
	out := History{Messages: []Message{}}
	contactID, err := contactOf(r.Context(), a.deps.DB.Reader(), q.ch.ID, v.VisitorID)
	if err != nil {
		return err
	}
	if contactID == 0 { // not written yet
		httpjson.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	if out.Messages, err = messagesOf(r.Context(), a.deps.DB.Reader(), q.ch.ID, contactID, after); err != nil {
		return err
	}
	if out.Messages == nil {
		out.Messages = []Message{}
	}
	if n := len(out.Messages); n > 0 && out.Messages[n-1].ConversationID != 0 {
		if out.Closed, err = conversationClosed(r.Context(), a.deps.DB.Reader(), out.Messages[n-1].ConversationID); err != nil {
			return err
		}
	}
	seen, err := seenAt(r.Context(), a.deps.DB.Reader(), q.ch.ID, contactID)
	if err != nil {
		return fmt.Errorf("widget: seen: %w", err)
	}
	if !seen.IsZero() {
		out.SeenAt = &seen
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}

// Outgoing is a message the visitor writes.
type Outgoing struct {
	Text string `json:"text"`
	// ClientID is the script's id of the message, so a resend after a lost
	// answer is stored once.
	ClientID string `json:"client_id,omitempty"`
	// Name and Email, from the pre-chat form, fill the contact.
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// MediaIDs are files the visitor uploaded first (POST …/uploads): at
	// most one per message.
	MediaIDs []string `json:"media_ids,omitempty"`
}

// postMessage is POST /widget/{channelID}/messages: what the socket's
// "message" frame does, for a script without a socket.
func (a *api) postMessage(w http.ResponseWriter, r *http.Request, q request) error {
	v := visitorOf(r)
	if err := authenticate(q.ch, v); err != nil {
		return err
	}
	var o Outgoing
	if err := httpjson.Decode(w, r, &o); err != nil {
		return err
	}
	res, err := a.receive(r.Context(), q, v, o)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, res)
	return nil
}

// Maximum lengths of the pre-chat form's fields.
const (
	maxNameLen  = limit.Name
	maxEmailLen = 254
	maxClientID = 64
)

// receive checks a visitor's message and stores it through the channels'
// one receive path: a conversation opens if none is, with source contact,
// and the workflows run.
func (a *api) receive(ctx context.Context, q request, v Visitor, o Outgoing) (conversation.Received, error) {
	o.Text = strings.TrimSpace(o.Text)
	if o.Text == "" && len(o.MediaIDs) == 0 {
		return conversation.Received{}, apperr.Invalid("text", "is empty")
	}
	if n := limit.Len(o.Text); n > MaxTextLength {
		return conversation.Received{}, apperr.Invalid("text", "is %d characters long; a message may have at most %d", n, MaxTextLength)
	}
	if err := limit.Text("client_id", o.ClientID, maxClientID); err != nil {
		return conversation.Received{}, err
	}
	var profile contact.Input
	if name := strings.TrimSpace(o.Name); name != "" {
		if err := limit.Text("name", name, maxNameLen); err != nil {
			return conversation.Received{}, err
		}
		profile.FirstName, profile.LastName = contact.DisplayName(name)
	}
	email := strings.TrimSpace(o.Email)
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > maxEmailLen {
			return conversation.Received{}, apperr.Invalid("email", "is not an email address")
		}
	}
	if err := a.takeVisitor(q, v); err != nil {
		return conversation.Received{}, err
	}
	named := profile.FirstName != nil
	if !named {
		// A new contact is named after its profile, else after its
		// external id: here a random id, so a friendlier name instead.
		// An existing contact's name is left alone either way.
		anon := visitorName(v.VisitorID)
		profile.FirstName = &anon
	}
	in := conversation.Inbound{Kind: conversation.KindMessage, WorkspaceID: q.ch.WorkspaceID, ChannelID: q.ch.ID,
		ExternalID: v.VisitorID, Profile: profile, Type: "text", Text: o.Text, Timestamp: a.deps.Clock.Now().UTC().Truncate(time.Millisecond)}
	if o.ClientID != "" {
		in.ProviderMessageID = v.VisitorID + ":" + o.ClientID
	}
	if len(o.MediaIDs) > 0 {
		content, err := a.attachments(ctx, q, o)
		if err != nil {
			return conversation.Received{}, err
		}
		in.Type, in.Content = "attachment", content
	}
	res, err := a.in.Receiver.Receive(ctx, []conversation.Inbound{in})
	if err != nil {
		return conversation.Received{}, err
	}
	if named && !res[0].Duplicate {
		a.fillName(ctx, q, res[0].ContactID, v.VisitorID, profile)
	}
	if email != "" {
		a.fillEmail(ctx, q, res[0].ContactID, email)
	}
	return res[0], nil
}

// fillName gives the pre-chat form's name to the visitor's contact when it
// has none of its own: Receive names a new contact by the profile, but a
// contact an earlier message made (before the form was turned on) is
// named "Visitor …" (visitorName; before that name existed, after the
// visitor's id), and Receive leaves an existing contact's profile alone. A name an agent gave, or a merged customer's, is kept:
// the visitor's word is unverified. The message is stored whatever
// becomes of the name.
func (a *api) fillName(ctx context.Context, q request, contactID int64, visitorID string, profile contact.Input) {
	if contactID == 0 {
		return
	}
	err := a.deps.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := contact.GetTx(ctx, tx, q.ch.WorkspaceID, contactID)
		if err != nil || (c.FirstName != visitorName(visitorID) && c.FirstName != visitorID) || c.LastName != "" {
			return err
		}
		return contact.UpdateTx(ctx, tx, q.ch.WorkspaceID, contactID, contact.Input{FirstName: profile.FirstName, LastName: profile.LastName})
	})
	if err != nil && apperr.KindOf(err) == "" {
		slog.Warn("widget: the pre-chat name was not saved", "contact_id", contactID, "err", err)
	}
}

// fillEmail gives the visitor's contact the email of the pre-chat form
// when it has none and no other contact has it. The email is the
// visitor's unverified word, so it is never handed to Receive, which
// would link the visitor to an existing contact with that email — and
// let anyone who types a customer's email read that customer's
// conversation. The message is stored whatever becomes of the email.
func (a *api) fillEmail(ctx context.Context, q request, contactID int64, email string) {
	if contactID == 0 {
		return
	}
	err := a.deps.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := contact.GetTx(ctx, tx, q.ch.WorkspaceID, contactID)
		if err != nil || c.Email != "" {
			return err
		}
		return contact.UpdateTx(ctx, tx, q.ch.WorkspaceID, contactID, contact.Input{Email: &email})
	})
	if err != nil && apperr.KindOf(err) == "" {
		slog.Warn("widget: the pre-chat email was not saved", "contact_id", contactID, "err", err)
	}
}
