package notification

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/due"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// A mention, an assignment or (for an owner) a disabled webhook endpoint
// a member has not seen (read in the bell, or the conversation read) a
// while after it was made (MailOptions.After: MailDelay unless the
// operator chose) is mailed to them, once, if their settings want it:
// someone away hears of it, someone at work is not mailed what they saw.
// A mail the server refuses is tried again (mailRetries), then given up,
// marked failed.
const (
	// MailDelay is the default wait before a notification unseen is mailed.
	MailDelay = 10 * time.Minute
	// DueMail names the mails' timed work (db.Tx.Due).
	DueMail = "notification_mail"
	// mailStale: a notification this old when its mail falls due (the
	// node was down, or had no mail server for a while) is not mailed:
	// news of yesterday's mention by mail is noise, the bell has it.
	mailStale   = 24 * time.Hour
	mailBatch   = 10
	mailRetries = 5
)

// mailRetryAfter is the wait before a failed mail's next attempt.
var mailRetryAfter = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// How a notification's mail ended (notifications.mail_state).
const (
	MailSent    = "sent"
	MailSkipped = "skipped" // seen in time, or no longer the member's to see
	MailFailed  = "failed"
)

// MailOptions configure a node's notification mails.
type MailOptions struct {
	Mailer *sysmail.Mailer
	// PublicURL is the web app's address, which the mail links to.
	PublicURL string
	// After is how long the consumer waits before a mail falls due
	// (NewConsumer's mailAfter), which the mail says; 0: MailDelay.
	After time.Duration
	// Principal is who a member is, to check they may still see what the
	// mail would show (workspace.Service.MemberPrincipal); an error that
	// is not found (a deactivated member) skips the mail.
	Principal func(ctx context.Context, workspaceID, userID int64) (access.Principal, error)
	Node      int64 // the node claiming (its leases name it)
	Due       *due.Runner
	Group     *background.Group
	Logger    *slog.Logger
}

// Mails sends a node's notification mails.
type Mails struct {
	db     *db.DB
	opts   MailOptions
	runOwn func(context.Context)
	work   *due.Handle
}

var mailTable = due.Table{Name: "notifications", Due: "mail_at", Where: "j.mail_at > 0"}

// NewMails registers the mails' timed work.
func NewMails(d *db.DB, opts MailOptions) *Mails {
	if opts.Group == nil {
		opts.Group = background.NewGroup(d.Clock())
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.After <= 0 {
		opts.After = MailDelay
	}
	m := &Mails{db: d, opts: opts}
	m.work, m.runOwn = due.Attach(opts.Due, d, opts.Group, due.Kind{Name: DueMail, Pass: m.pass, Retry: 5 * time.Second, MaxRetry: time.Minute,
		Backlog: due.Overdue(d, `SELECT COUNT(*), COALESCE(MIN(mail_at), 0) FROM notifications WHERE mail_at > 0 AND mail_at <= ? AND lease_until <= ?`)})
	return m
}

// Run sends mails as they fall due until ctx ends (with a runner of its
// own when MailOptions.Due was nil; else the node's runner does).
func (m *Mails) Run(ctx context.Context) {
	m.work.Start()
	m.runOwn(ctx)
}

// mailLease covers a batch's mails, each within sysmail.SendTimeout.
var mailLease = mailBatch*sysmail.SendTimeout + time.Minute

// pass claims the mails due and sends them one after the other, then
// says when the next falls due: its time, or its lease's end if later.
func (m *Mails) pass(ctx context.Context) (time.Time, error) {
	now := m.db.Now()
	leaseUntil := now + mailLease.Milliseconds()
	var ids []int64
	err := m.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		var err error
		ids, err = due.Claim(ctx, tx, mailTable, now, leaseUntil, m.opts.Node, mailBatch)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("notification: claim mails: %w", err)
	}
	for _, id := range ids {
		if err := m.mail(ctx, id, leaseUntil); err != nil {
			return time.Time{}, err
		}
	}
	if len(ids) == mailBatch {
		return db.Time(now), nil
	}
	var next int64
	err = m.db.Reader().QueryRow(ctx, `SELECT COALESCE(MIN(CASE WHEN lease_until > mail_at THEN lease_until ELSE mail_at END), 0)
		FROM notifications WHERE mail_at > 0`).Scan(&next)
	if err != nil || next == 0 {
		return time.Time{}, err
	}
	if next <= now && len(ids) == 0 {
		// Due, yet not claimable: another node's claim is committing.
		return db.Time(now + 50), nil
	}
	return db.Time(next), nil
}

// pending is a claimed notification with what its mail says.
type pending struct {
	workspaceID, userID, conversationID, eventID, subjectID int64
	kind                                                    string
	createdAt, readAt                                       int64
	attempts                                                int
	email, language, workspace, by, contact                 string
	assignee, team                                          int64
}

// mail sends notification id's mail, or skips it, and records which,
// fenced by the claim's lease: a mail whose lease ran out meanwhile was
// taken back and is another attempt's to record.
func (m *Mails) mail(ctx context.Context, id, leaseUntil int64) error {
	var n pending
	var first, last string
	err := m.db.Reader().QueryRow(ctx, `SELECT n.workspace_id, n.user_id, COALESCE(n.conversation_id, 0), n.event_id, n.subject_id, n.kind,
			n.created_at, n.read_at, n.mail_attempts, a.email, COALESCE(s.language, 'en'), w.name, COALESCE(b.name, ''),
			COALESCE(ct.first_name, ''), COALESCE(ct.last_name, ''), COALESCE(c.assignee_id, 0), COALESCE(c.team_id, 0)
		FROM notifications n JOIN users u ON u.id = n.user_id JOIN accounts a ON a.id = u.account_id JOIN workspaces w ON w.id = n.workspace_id
		LEFT JOIN conversations c ON c.id = n.conversation_id LEFT JOIN contacts ct ON ct.id = c.contact_id
		LEFT JOIN notification_settings s ON s.user_id = n.user_id LEFT JOIN users b ON b.id = n.by_user_id
		WHERE n.id = ?`, id).Scan(&n.workspaceID, &n.userID, &n.conversationID, &n.eventID, &n.subjectID, &n.kind,
		&n.createdAt, &n.readAt, &n.attempts, &n.email, &n.language, &n.workspace, &n.by, &first, &last, &n.assignee, &n.team)
	if errors.Is(err, sql.ErrNoRows) {
		// Gone (with its conversation or member), or a member with no
		// account to mail: recorded so, else it would be claimed forever.
		return m.record(ctx, id, leaseUntil, MailSkipped, 0, 0)
	}
	if err != nil {
		return fmt.Errorf("notification: read mail %d: %w", id, err)
	}
	n.contact = strings.TrimSpace(first + " " + last)
	base := strings.TrimRight(m.opts.PublicURL, "/")
	mail := sysmail.NotificationMail{Kind: n.kind, By: n.by, Contact: n.contact, Workspace: n.workspace, Delay: m.opts.After,
		Link: base + "/inbox/all/" + strconv.FormatInt(n.conversationID, 10), Settings: base + "/account"}
	skip, err := m.skip(ctx, n)
	if err == nil && skip == "" {
		switch n.kind {
		case KindMention:
			mail.Comment, skip, err = m.commentText(ctx, n.eventID)
		case KindWebhookDisabled:
			mail.Link = base + "/settings/webhooks"
			skip, err = m.endpoint(ctx, n.subjectID, &mail)
		}
	}
	if err != nil {
		return err
	}
	if skip != "" {
		m.opts.Logger.Debug("notification mail skipped", "notification", id, "why", skip)
		return m.record(ctx, id, leaseUntil, MailSkipped, n.attempts, 0)
	}
	subject, text, err := mail.Compose(sysmail.ParseLanguage(n.language))
	if err == nil {
		err = m.opts.Mailer.Send(ctx, n.email, subject, text)
	}
	if ctx.Err() != nil {
		return ctx.Err() // the node is stopping: the lease brings it back
	}
	if err == nil {
		return m.record(ctx, id, leaseUntil, MailSent, n.attempts+1, 0)
	}
	attempts := n.attempts + 1
	if attempts >= mailRetries {
		m.opts.Logger.Warn("notification mail given up", "notification", id, "attempts", attempts, "err", err)
		return m.record(ctx, id, leaseUntil, MailFailed, attempts, 0)
	}
	m.opts.Logger.Warn("notification mail failed; will try again", "notification", id, "attempts", attempts, "err", err)
	retry := m.db.Now() + mailRetryAfter[min(attempts, len(mailRetryAfter))-1].Milliseconds()
	return m.record(ctx, id, leaseUntil, "", attempts, retry)
}

// skip says why a mail is not sent, or "" to send it: seen in time, too
// old, or no longer the member's (reassigned away, or a conversation
// their role no longer lets them see, or a member deactivated).
func (m *Mails) skip(ctx context.Context, n pending) (string, error) {
	switch {
	case n.readAt > 0:
		return "seen", nil
	case m.db.Now()-n.createdAt > mailStale.Milliseconds():
		return "stale", nil
	case n.kind == KindAssignment && n.assignee != n.userID:
		return "reassigned", nil
	}
	p, err := m.opts.Principal(ctx, n.workspaceID, n.userID)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return "deactivated", nil
		}
		return "", fmt.Errorf("notification: mail: member %d: %w", n.userID, err)
	}
	if n.kind == KindWebhookDisabled {
		if p.Role != access.RoleOwner {
			return "no longer an owner", nil
		}
		return "", nil
	}
	if !p.SeesConversation(n.assignee, n.team) {
		return "not visible", nil
	}
	return "", nil
}

// endpoint fills a disabled endpoint's address and why it was disabled
// into mail, or says why not to send it: the endpoint is gone, or an
// owner turned it on again meanwhile.
func (m *Mails) endpoint(ctx context.Context, id int64, mail *sysmail.NotificationMail) (skip string, err error) {
	var enabled int
	err = m.db.Reader().QueryRow(ctx, `SELECT url, disabled_reason, enabled FROM webhook_endpoints WHERE id = ?`, id).
		Scan(&mail.Endpoint, &mail.Reason, &enabled)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "endpoint deleted", nil
	case err != nil:
		return "", fmt.Errorf("notification: mail: endpoint %d: %w", id, err)
	case enabled == 1:
		return "endpoint enabled again", nil
	}
	return "", nil
}

// commentText is the text of the comment whose event made a mention,
// as it reads now (edited since, it is the edit's), cut to a few lines;
// or why not to send the mail: the comment was deleted since (its
// notification goes too, once the consumer reaches the deletion).
func (m *Mails) commentText(ctx context.Context, eventID int64) (text, skip string, err error) {
	var payload string
	if err := m.db.Reader().QueryRow(ctx, `SELECT payload FROM events WHERE id = ?`, eventID).Scan(&payload); err != nil {
		return "", "", fmt.Errorf("notification: mail: event %d: %w", eventID, err)
	}
	var p struct {
		CommentID int64 `json:"comment_id"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return "", "", fmt.Errorf("notification: mail: event %d: %w", eventID, err)
	}
	err = m.db.Reader().QueryRow(ctx, `SELECT text FROM comments WHERE id = ?`, p.CommentID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "comment deleted", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("notification: mail: comment %d: %w", p.CommentID, err)
	}
	return limit.Clip(strings.TrimSpace(text), 600), "", nil
}

// record writes a mail's outcome: a state that ends it (mail_at back to
// 0), or none and its retry's time.
func (m *Mails) record(ctx context.Context, id, leaseUntil int64, state string, attempts int, retryAt int64) error {
	err := m.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE notifications SET mail_state = ?, mail_attempts = ?, mail_at = ?, lease_until = 0, lease_node = 0
			WHERE id = ? AND lease_until = ? AND lease_node = ?`, state, attempts, retryAt, id, leaseUntil, m.opts.Node)
		if retryAt > 0 {
			tx.Due(DueMail, retryAt)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("notification: record mail %d: %w", id, err)
	}
	return nil
}
