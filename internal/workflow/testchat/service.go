package testchat

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// MaxTextLength is the longest message the test contact may send, in
// characters.
const MaxTextLength = 4000

// maxClientID is the longest client id of a message.
const maxClientID = 64

// Modes of a test session: how the panel starts the workflow.
const (
	// ModeChat: the workflow starts when a conversation opens; the
	// tester's first message opens one.
	ModeChat = "chat"
	// ModeRunNow: any other trigger; the panel's "Run now" starts a run
	// for the test contact.
	ModeRunNow = "run_now"
)

// Service runs the test panel's sessions.
type Service struct {
	db    *db.DB
	conv  *conversation.Service
	flows *workflow.Service
}

// New returns the test chat service.
func New(d *db.DB, conv *conversation.Service, flows *workflow.Service) *Service {
	return &Service{db: d, conv: conv, flows: flows}
}

// Session is what the test panel shows of one person's test of one
// workflow.
type Session struct {
	WorkflowID int64 `json:"workflow_id"`
	// PublishedVersion is the version under test: the published one (0:
	// nothing is published, nothing can be tested).
	PublishedVersion int `json:"published_version"`
	// DraftDiffers: the workflow has a draft unlike the published version,
	// which is the one tested.
	DraftDiffers bool   `json:"draft_differs"`
	TriggerType  string `json:"trigger_type"`
	Mode         string `json:"mode"` // chat or run_now
	// Started: the test contact exists (POST …/test made it).
	Started     bool   `json:"started"`
	ContactID   int64  `json:"contact_id,omitempty"`
	ContactName string `json:"contact_name,omitempty"`
	ChannelID   int64  `json:"channel_id,omitempty"`
	// Conversation is the test contact's open conversation, if any.
	Conversation *Conversation `json:"conversation,omitempty"`
	// Run is the latest run of the workflow in that conversation.
	Run *Run `json:"run,omitempty"`
	// Messages are the open conversation's, oldest first.
	Messages []conversation.Message `json:"messages"`
}

// Conversation is the test conversation as the panel shows it.
type Conversation struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	AssigneeID   int64  `json:"assignee_id,omitempty"`
	AssigneeName string `json:"assignee_name,omitempty"`
	TeamID       int64  `json:"team_id,omitempty"`
	TeamName     string `json:"team_name,omitempty"`
}

// Run is the test run as the panel shows it (the canvas reads its path
// from GET /workflows/{id}/runs/{runID}).
type Run struct {
	ID      int64  `json:"id"`
	Version int    `json:"version"`
	Status  string `json:"status"`
	Step    string `json:"step"`
	Error   string `json:"error,omitempty"`
}

// MessageInput is a message the tester sends as the test contact: typed
// text or a quick reply they clicked (its text).
type MessageInput struct {
	Text string `json:"text"`
	// ClientID, when given, makes a resend of the same message store it
	// once.
	ClientID string `json:"client_id,omitempty"`
}

// tester returns the person testing: the test contact is theirs.
func tester(p access.Principal) error {
	if p.UserID == 0 {
		return apperr.Forbidden("the test panel is for a signed-in person; a workspace token has no test contact")
	}
	return nil
}

// Get returns the session of p for the workflow (Started false when p
// has not started one).
func (s *Service) Get(ctx context.Context, p access.Principal, workflowID int64) (Session, error) {
	if err := tester(p); err != nil {
		return Session{}, err
	}
	w, err := s.flows.Get(ctx, p.WorkspaceID, workflowID)
	if err != nil {
		return Session{}, err
	}
	out := Session{WorkflowID: w.ID, PublishedVersion: w.PublishedVersion, TriggerType: w.TriggerType, Mode: modeOf(w),
		DraftDiffers: draftDiffers(w), Messages: []conversation.Message{}}
	r := s.db.Reader()
	var first, last string
	err = r.QueryRow(ctx, `SELECT t.contact_id, c.first_name, c.last_name FROM workflow_test_contacts t JOIN contacts c ON c.id = t.contact_id
		WHERE t.workflow_id = ? AND t.user_id = ?`, workflowID, p.UserID).Scan(&out.ContactID, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("testchat: session: %w", err)
	}
	out.Started, out.ContactName = true, strings.TrimSpace(first+" "+last)
	if out.ChannelID, err = s.channelOf(ctx, r, p.WorkspaceID); err != nil {
		return out, err
	}
	conv, err := conversation.OpenOfTx(ctx, r, p.WorkspaceID, out.ContactID)
	if err != nil || conv.ID == 0 {
		return out, err
	}
	c := &Conversation{ID: conv.ID, Status: conv.Status, AssigneeID: conv.AssigneeID, TeamID: conv.TeamID}
	if c.AssigneeID != 0 {
		r.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, c.AssigneeID).Scan(&c.AssigneeName)
	}
	if c.TeamID != 0 {
		r.QueryRow(ctx, `SELECT name FROM teams WHERE id = ?`, c.TeamID).Scan(&c.TeamName)
	}
	out.Conversation = c
	var runID int64
	err = r.QueryRow(ctx, `SELECT id FROM workflow_runs WHERE workflow_id = ? AND contact_id = ? AND conversation_id = ? ORDER BY id DESC LIMIT 1`,
		workflowID, out.ContactID, conv.ID).Scan(&runID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return out, fmt.Errorf("testchat: session run: %w", err)
	}
	if runID != 0 {
		run, err := s.flows.GetRun(ctx, p.WorkspaceID, workflowID, runID)
		if err != nil {
			return out, err
		}
		out.Run = &Run{ID: run.ID, Version: run.Version, Status: run.Status, Step: run.Step, Error: run.Error}
	}
	// The test conversation is the tester's own, whatever their scope.
	msgs, err := s.conv.ListMessages(ctx, access.System(p.WorkspaceID), conv.ID, page.All())
	if err != nil {
		return out, err
	}
	out.Messages = append(out.Messages, msgs.Data...)
	return out, nil
}

// modeOf says how the panel starts the workflow.
func modeOf(w workflow.Workflow) string {
	if w.TriggerType == "conversation_opened" {
		return ModeChat
	}
	return ModeRunNow
}

// draftDiffers reports whether the workflow's draft is not its published
// version.
func draftDiffers(w workflow.Workflow) bool {
	if w.Draft == nil || w.Published == nil {
		return false
	}
	a, _ := json.Marshal(w.Draft)
	b, _ := json.Marshal(w.Published)
	return string(a) != string(b)
}

// Start makes (or finds) p's test contact for the workflow, named after
// them, on the workspace's test channel (made on first use), and returns
// the session.
func (s *Service) Start(ctx context.Context, p access.Principal, workflowID int64) (Session, error) {
	if err := tester(p); err != nil {
		return Session{}, err
	}
	if _, err := s.flows.Get(ctx, p.WorkspaceID, workflowID); err != nil {
		return Session{}, err
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := s.ensureContact(ctx, tx, p, workflowID)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("testchat: start: %w", err)
	}
	return s.Get(ctx, p, workflowID)
}

// ensureContact returns p's test contact for the workflow, made if need
// be, and the test channel.
func (s *Service) ensureContact(ctx context.Context, tx *db.Tx, p access.Principal, workflowID int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT contact_id FROM workflow_test_contacts WHERE workflow_id = ? AND user_id = ?`, workflowID, p.UserID).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	channelID, err := s.ensureChannel(ctx, tx, p.WorkspaceID)
	if err != nil {
		return 0, err
	}
	var name string
	if err := tx.QueryRow(ctx, `SELECT name FROM users WHERE workspace_id = ? AND id = ?`, p.WorkspaceID, p.UserID).Scan(&name); err != nil {
		return 0, fmt.Errorf("tester: %w", err)
	}
	first, last := "Test contact", "("+name+")"
	id, _, err = contact.ResolveTx(ctx, tx, p.WorkspaceID, channelID, externalID(workflowID, p.UserID),
		contact.Input{FirstName: &first, LastName: &last})
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = ?`, id); err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO workflow_test_contacts (workspace_id, workflow_id, user_id, contact_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.WorkspaceID, workflowID, p.UserID, id, tx.Now())
	return id, err
}

// externalID is the test contact's id on the test channel.
func externalID(workflowID, userID int64) string {
	return "workflow-" + strconv.FormatInt(workflowID, 10) + "-user-" + strconv.FormatInt(userID, 10)
}

// ensureChannel returns the workspace's test channel, made if need be.
func (s *Service) ensureChannel(ctx context.Context, tx *db.Tx, workspaceID int64) (int64, error) {
	id, err := s.channelOf(ctx, tx, workspaceID)
	if err != nil || id != 0 {
		return id, err
	}
	// Its token authenticates nothing (the test channel has no webhooks);
	// it is random all the same.
	b := make([]byte, 24)
	rand.Read(b)
	err = tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at) VALUES (?, ?, ?, ?, '{}', ?) RETURNING id`,
		workspaceID, Type, ChannelName, base64.RawURLEncoding.EncodeToString(b), tx.Now()).Scan(&id)
	return id, err
}

// channelOf returns the workspace's test channel, or 0.
func (s *Service) channelOf(ctx context.Context, q db.Querier, workspaceID int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM channels WHERE workspace_id = ? AND type = ? ORDER BY id LIMIT 1`, workspaceID, Type).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// published refuses a test of a workflow with nothing published.
func (s *Service) published(ctx context.Context, p access.Principal, workflowID int64) (workflow.Workflow, error) {
	w, err := s.flows.Get(ctx, p.WorkspaceID, workflowID)
	if err != nil {
		return w, err
	}
	if w.PublishedVersion == 0 {
		return w, apperr.Conflict("workflow %d has no published version to test: publish it first", workflowID)
	}
	return w, nil
}

// Send stores a message from the test contact through the channels' one
// receive path: a conversation opens if none is (source contact, so the
// workflow under test starts), an Ask a Question step waiting gets its
// answer. The session is started if it was not.
func (s *Service) Send(ctx context.Context, p access.Principal, workflowID int64, in MessageInput) (Session, error) {
	if err := tester(p); err != nil {
		return Session{}, err
	}
	in.Text = strings.TrimSpace(in.Text)
	if in.Text == "" {
		return Session{}, apperr.Invalid("text", "is empty")
	}
	if n := limit.Len(in.Text); n > MaxTextLength {
		return Session{}, apperr.Invalid("text", "is %d characters long; a message may have at most %d", n, MaxTextLength)
	}
	if err := limit.Text("client_id", in.ClientID, maxClientID); err != nil {
		return Session{}, err
	}
	if _, err := s.published(ctx, p, workflowID); err != nil {
		return Session{}, err
	}
	var channelID int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := s.ensureContact(ctx, tx, p, workflowID); err != nil {
			return err
		}
		var err error
		channelID, err = s.channelOf(ctx, tx, p.WorkspaceID)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("testchat: send: %w", err)
	}
	ext := externalID(workflowID, p.UserID)
	msg := conversation.Inbound{Kind: conversation.KindMessage, WorkspaceID: p.WorkspaceID, ChannelID: channelID, ExternalID: ext,
		Type: "text", Text: in.Text, Timestamp: time.UnixMilli(s.db.Now()).UTC()}
	if in.ClientID != "" {
		msg.ProviderMessageID = ext + ":" + in.ClientID
	}
	if _, err := s.conv.Receive(ctx, []conversation.Inbound{msg}); err != nil {
		return Session{}, err
	}
	return s.Get(ctx, p, workflowID)
}

// RunNow starts a run of the workflow's published version for p's test
// contact, whatever its trigger, even while it is stopped.
func (s *Service) RunNow(ctx context.Context, p access.Principal, workflowID int64) (Session, error) {
	if err := tester(p); err != nil {
		return Session{}, err
	}
	if _, err := s.published(ctx, p, workflowID); err != nil {
		return Session{}, err
	}
	var contactID int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		contactID, err = s.ensureContact(ctx, tx, p, workflowID)
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("testchat: run now: %w", err)
	}
	if _, err := s.flows.StartTestRun(ctx, p.WorkspaceID, workflowID, contactID, p.UserID); err != nil {
		return Session{}, err
	}
	return s.Get(ctx, p, workflowID)
}

// ResetSummary is the closing note of a test conversation the tester
// restarted.
const ResetSummary = "Test restarted from the Workflow Builder"

// Reset ends p's test: the runs of the test contact that have not ended
// stop, and its open conversation closes with a summary (freeing the
// agent it was assigned to), so the next message starts over.
func (s *Service) Reset(ctx context.Context, p access.Principal, workflowID int64) (Session, error) {
	sess, err := s.Get(ctx, p, workflowID)
	if err != nil || !sess.Started {
		return sess, err
	}
	if _, err := s.flows.StopTestRuns(ctx, p.WorkspaceID, sess.ContactID); err != nil {
		return sess, err
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		conv, err := conversation.OpenOfTx(ctx, tx, p.WorkspaceID, sess.ContactID)
		if err != nil || conv.ID == 0 {
			return err
		}
		return conversation.CloseForMergeTx(ctx, tx, p.WorkspaceID, conv.ID, p.UserID, ResetSummary)
	})
	if err != nil {
		return sess, fmt.Errorf("testchat: reset: %w", err)
	}
	return s.Get(ctx, p, workflowID)
}
