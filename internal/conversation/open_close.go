package conversation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// OpenInput opens a conversation other than by a contact's message.
type OpenInput struct {
	ContactID int64  `json:"contact_id"`
	ChannelID int64  `json:"channel_id"`
	Source    string `json:"-"` // user, workflow or api
	UserID    int64  `json:"-"`
	// Then runs in the opening transaction with the new conversation
	// (the API assigns a restricted opener there): its error undoes the
	// opening.
	Then func(ctx context.Context, tx *db.Tx, c Conversation) error `json:"-"`
	// Addressers, when set, let a ChannelID the contact has no identity
	// on be one that reaches contacts by phone or email: the identity is
	// made from theirs (identityForOpenTx). Open sets the service's; the
	// workflow's step the engine's (workflow.EngineOptions.Addressers).
	Addressers Addressers `json:"-"`
}

// Open opens a conversation for a contact that has none open; a second
// open conversation is a conflict. The contact must be one the principal
// may see.
func (s *Service) Open(ctx context.Context, p Principal, in OpenInput) (Conversation, error) {
	var c Conversation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		if err := mayUseContact(ctx, tx, p, in.ContactID); err != nil {
			return err
		}
		if in.Addressers == nil {
			in.Addressers = s.addressers
		}
		var err error
		if c, err = OpenTx(ctx, tx, p.WorkspaceID, in); err != nil || in.Then == nil {
			return err
		}
		return in.Then(ctx, tx, c)
	})
	return c, wrap("open", err)
}

// OpenTx is Open inside tx. It may run through the concurrent write door
// (a workflow's Open Conversation step): one open conversation per
// contact is then held by the schema, the partial unique index on the
// conversations that are not closed, not by "nothing else is writing". A
// concurrent opener (a contact's message, another node's step) that
// inserted first makes the insert here fail; the error, a conflict,
// carries that unique violation, so the door runs the caller again and
// its read then finds the other's conversation. The contact's row is not
// locked: a message opening a conversation locks the contact after its
// insert, so locking it before ours would deadlock the two.
func OpenTx(ctx context.Context, tx *db.Tx, workspaceID int64, in OpenInput) (Conversation, error) {
	switch in.Source {
	case SourceUser, SourceWorkflow, SourceAPI:
	default:
		return Conversation{}, apperr.Invalid("source", "must be user, workflow or api")
	}
	var c Conversation
	err := func() error {
		var blocked int64
		err := tx.QueryRow(ctx, `SELECT COALESCE(blocked_at, 0) FROM contacts WHERE workspace_id = ? AND id = ?`, workspaceID, in.ContactID).Scan(&blocked)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Invalid("contact_id", "no contact %d in this workspace", in.ContactID)
		}
		if err != nil {
			return err
		}
		if blocked != 0 {
			return apperr.Conflict("contact %d is blocked: unblock them to open a conversation", in.ContactID)
		}
		if in.ChannelID == 0 {
			var err error
			if in.ChannelID, err = defaultChannelTx(ctx, tx, in.ContactID); err != nil {
				return err
			}
			if in.ChannelID == 0 {
				// Nothing could be sent or received in it.
				return apperr.Invalid("contact_id", "contact %d has no channel to talk on: no message or identity on any channel", in.ContactID)
			}
		} else if err := identityForOpenTx(ctx, tx, workspaceID, in); err != nil {
			return err
		}
		existing, err := openConversationOf(ctx, tx, workspaceID, in.ContactID, false)
		if err != nil {
			return err
		}
		if existing.ID != 0 {
			return alreadyOpenError{apperr.Conflict("contact %d already has open conversation %d", in.ContactID, existing.ID)}
		}
		c, err = insertConversation(ctx, tx, workspaceID, in.ContactID, in.ChannelID, in.Source, in.UserID)
		if db.IsUniqueViolation(err) {
			return &apperr.Error{Kind: apperr.KindConflict, Message: fmt.Sprintf("contact %d already has an open conversation", in.ContactID), Err: err}
		}
		return err
	}()
	return c, err
}

// defaultChannelTx is the channel a conversation opened for a contact
// without a channel of its own choosing is on: the one the contact last
// wrote on, so replies go where they wrote; else their newest identity's
// channel; 0 when the contact has no identity on any channel.
func defaultChannelTx(ctx context.Context, q db.Querier, contactID int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT COALESCE(
		(SELECT channel_id FROM messages WHERE contact_id = ? AND direction = 'in' ORDER BY id DESC LIMIT 1),
		(SELECT channel_id FROM contact_identities WHERE contact_id = ? ORDER BY id DESC LIMIT 1), 0)`,
		contactID, contactID).Scan(&id)
	return id, err
}

// alreadyOpenError is OpenTx's conflict found by its own read: the
// contact has an open conversation, which OpenOrAdoptTx adopts. It is the
// conflict it wraps to every other reader.
type alreadyOpenError struct{ error }

func (e alreadyOpenError) Unwrap() error { return e.error }

// OpenOrAdoptTx returns the contact's open (or snoozed) conversation when
// it has one (adopted), else opens one as OpenTx does: the workflow's Open
// Conversation step. Through the concurrent door another writer may open
// one between its reads: a conflict found by OpenTx's own read is adopted
// here; one found by the unique index (a concurrent insert) carries the
// violation, and the door runs the caller again (see OpenTx).
func OpenOrAdoptTx(ctx context.Context, tx *db.Tx, workspaceID int64, in OpenInput) (c Conversation, adopted bool, err error) {
	for range 3 {
		if c, err = OpenOfTx(ctx, tx, workspaceID, in.ContactID); err != nil || c.ID != 0 {
			return c, c.ID != 0, err
		}
		c, err = OpenTx(ctx, tx, workspaceID, in)
		if !errors.As(err, new(alreadyOpenError)) {
			// Done, or another failure: the identity's conflict (the
			// phone known as another contact) is no open conversation to
			// look for again.
			return c, false, err
		}
		// Opened by another writer since our read (and maybe closed
		// since): look again.
	}
	return c, false, err
}

// CloseInput closes a conversation with optional closing notes.
type CloseInput struct {
	Source   string `json:"-"` // user, workflow, api, auto_close, ai_agent
	UserID   int64  `json:"-"`
	Category string `json:"category"`
	Summary  string `json:"summary"`
	// noNotes closes without the workspace's required closing notes, as
	// auto-close and a contact merge do: nobody is there to give them.
	noNotes bool
}

// Close closes a conversation. The workspace's closing-notes mode decides
// whether a category, or a category and a summary, are required; the
// category must be one of the workspace's.
//
// On PostgreSQL it runs beside other writes (WriteConcurrent), as
// CloseTx allows: an agent closing conversations all day would otherwise
// hold every node's receives and workflow batches back at each close.
// The conversation's row and its assignee's routing row (whose open count
// the close lowers) are named to the committer, so the batch takes them
// in order with its other jobs' rows: two batches closing conversations
// of the same two agents deadlocked otherwise. The refill of the freed
// slot gives way to any queue or agent held elsewhere (routing.RefillTx).
func (s *Service) Close(ctx context.Context, p Principal, id int64, in CloseInput) (Conversation, error) {
	var c Conversation
	ctx = db.WithRowLocks(db.WithRows(ctx, "conversations", id), "routing_agents", assigneeOf(id))
	err := s.db.WriteConcurrent(ctx, func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, id); err != nil {
			return err
		}
		var err error
		if c, err = CloseTx(ctx, tx, p.WorkspaceID, id, in); err != nil {
			return err
		}
		s.slotFreedTx(ctx, tx, c)
		return nil
	})
	return c, wrap("close", err)
}

// assigneeOf names the agent row a close of conversation id changes, as
// read when its batch begins (a reassignment in between leaves the new
// assignee's row to be locked where reached, as before).
func assigneeOf(id int64) db.RowsFunc {
	return func(ctx context.Context, tx *db.Tx) ([]int64, error) {
		var a int64
		err := tx.QueryRow(ctx, `SELECT COALESCE(assignee_id, 0) FROM conversations WHERE id = ?`, id).Scan(&a)
		if errors.Is(err, sql.ErrNoRows) || a == 0 {
			return nil, nil
		}
		return []int64{a}, err
	}
}

// CloseTx is Close inside tx. It may run through the concurrent write
// door (a workflow's Close Conversation step): the conversation's row,
// read FOR NO KEY UPDATE on PostgreSQL (getOpen), is locked until tx ends, so a
// second close waits and then finds it closed, and a message arriving
// meanwhile (which reads the open conversation so too) either lands
// before the close or, after it, opens a new conversation.
func CloseTx(ctx context.Context, tx *db.Tx, workspaceID, id int64, in CloseInput) (Conversation, error) {
	switch in.Source {
	case SourceUser, SourceWorkflow, SourceAPI, SourceAutoClose, SourceAIAgent:
	default:
		return Conversation{}, apperr.Invalid("source", "unknown close source %q", in.Source)
	}
	in.Category, in.Summary = strings.TrimSpace(in.Category), strings.TrimSpace(in.Summary)
	if err := limit.Text("category", in.Category, MaxCategoryLen); err != nil {
		return Conversation{}, err
	}
	if err := limit.Text("summary", in.Summary, MaxSummaryLen); err != nil {
		return Conversation{}, err
	}
	var c Conversation
	err := func() error {
		var err error
		if c, err = getOpen(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		var mode string
		if err := tx.QueryRow(ctx, `SELECT closing_notes_mode FROM workspaces WHERE id = ?`, workspaceID).Scan(&mode); err != nil {
			return err
		}
		// Auto-close has nobody to ask for notes: it closes with its own
		// summary and no category, whatever the workspace requires.
		required := in.Source != SourceAutoClose && !in.noNotes
		if required && in.Category == "" && (mode == "category_required" || mode == "both_required") {
			return apperr.Invalid("category", "a closing category is required in this workspace")
		}
		if required && in.Summary == "" && mode == "both_required" {
			return apperr.Invalid("summary", "a closing summary is required in this workspace")
		}
		if in.Category != "" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM closing_categories WHERE workspace_id = ? AND name = ?`, workspaceID, in.Category).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("category", "%q is not one of the workspace's closing categories", in.Category)
			}
		}
		now := tx.Now()
		// A closed conversation waits for nobody: no reply can be sent to
		// it, so a wait kept would top every waiting sort for good (as
		// migration 013 left those closed before it, not waiting).
		if _, err := tx.Exec(ctx, `UPDATE conversations SET status = 'closed', closed_at = ?, closed_source = ?, closed_by = ?,
			close_category = ?, close_summary = ?, snoozed_until = 0, auto_close_at = 0, waiting_since = ? WHERE id = ?`,
			now, in.Source, nullID(in.UserID), in.Category, in.Summary, NotWaiting, id); err != nil {
			return err
		}
		agentRowsHeld(tx, c.AssigneeID)
		if c.AssigneeID != 0 {
			// The contact remembers its last assignee so a later workflow can prefer them.
			if _, err := tx.Exec(ctx, `UPDATE contacts SET last_assignee_id = ? WHERE id = ?`, c.AssigneeID, c.ContactID); err != nil {
				return err
			}
		}
		payload := map[string]any{"source": in.Source, "category": in.Category, "summary": in.Summary}
		if in.UserID != 0 {
			payload["user_id"] = in.UserID
		}
		if c.AssigneeID != 0 {
			payload["assignee_id"] = c.AssigneeID
		}
		if err := appendEvent(ctx, tx, c, event.ConversationClosed, payload); err != nil {
			return err
		}
		c, err = get(ctx, tx, workspaceID, id)
		return err
	}()
	return c, err
}
