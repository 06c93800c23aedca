// Package satisfaction is the satisfaction survey (CSAT): when a person or
// an AI agent closes a conversation the contact wrote in, a workspace that
// turned the survey on sends the contact a link where they rate the
// conversation from 1 to 5, with a comment if they like. The rating is
// stored once per conversation (changeable while the link lasts), told to
// the conversation's timeline as conversation.rated, and counted by the
// Satisfaction report (internal/report).
package satisfaction

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// ConsumerName keys the survey sender's cursor in event_consumers.
const ConsumerName = "satisfaction_survey"

// LinkLifetime is how long a survey's link takes a rating, and a changed
// one, after it was sent.
const LinkLifetime = 14 * 24 * time.Hour

// MaxAnswers bounds how many times a survey's answer may change: the link
// is the only credential, and each change is an event of the
// conversation (and a delivery to each webhook subscribed to it), so one
// link cannot fill a timeline. A contact changes their mind a few times.
const MaxAnswers = 20

// MaxCommentLen bounds a rating's comment (characters).
const MaxCommentLen = 2000

// Options configure a Service.
type Options struct {
	// PublicURL is the server's address as contacts reach it: the survey
	// links to PublicURL/rate/<token>. Without it no survey is sent.
	PublicURL string
	// Windows are the channels' customer-service windows: a survey is not
	// sent where free text may no longer be (a closed 24-hour window).
	Windows conversation.Windows
	Logger  *slog.Logger
}

// Render fills the variables of the survey's words ({{contact.first_name}},
// {{assignee.name}}…) for the closed conversation, through the sending
// transaction (workflow.Engine.RenderTx).
type Render func(ctx context.Context, q db.Querier, workspaceID, contactID, conversationID int64, text string) string

// Service sends surveys and takes their ratings.
type Service struct {
	db     *db.DB
	opts   Options
	render Render // nil: only {{link}} is filled
}

// SetRender gives the service the workflows' variables, built after it;
// it is called before the node serves.
func (s *Service) SetRender(r Render) { s.render = r }

// New returns a Service on d.
func New(d *db.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	return &Service{db: d, opts: opts}
}

// link is the page where the survey of token is answered.
func (s *Service) link(token string) string { return s.opts.PublicURL + "/rate/" + token }

// newToken is a survey's secret: 24 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}
