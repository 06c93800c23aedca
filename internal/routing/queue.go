package routing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// A queue is (workspace, team, user): team 0 is the workspace's queue, a
// user not 0 waits for that user. Rows are ordered by priority (higher
// first), then id, so FIFO among equals. A queue only ever drains from its
// head: the oldest conversation takes the first freed slot, and a
// conversation is never assigned past an older one of the same queue.
type queueKey struct{ workspaceID, teamID, userID int64 }

func (j job) key() queueKey {
	if j.userID != 0 {
		return queueKey{j.workspaceID, 0, j.userID}
	}
	return queueKey{j.workspaceID, j.teamID, 0}
}

// lockQueue serialises, on PostgreSQL, the transactions that change one
// queue — enqueue, drain, and a direct try that must not pass an older
// waiting conversation — so a queue keeps its FIFO order across nodes
// while other queues go on in parallel. It is a transaction-scoped
// advisory lock in the two-key space (which never meets the store's
// one-key locks), keyed by a hash of the queue: a collision only makes
// two queues wait for each other. One transaction may lock several queues
// (a workflow consumer's batch placing conversations in two teams), so
// it takes them in order (db.Tx.LockName): one that would wait out of
// order gives way at once and is run again, instead of deadlocking with
// a transaction locking the same queues the other way round. SQLite's
// single writer already serialises them.
//
// Queues come before agents: a drain holds its queue while it waits for
// the agent it chose, so a write that already holds an agent's row does
// not wait for a queue — it gives way (db.ErrLockOrder) and runs again on
// its own, where it waits. Whatever way it holds the row counts: a claim
// for an earlier job of its batch, a close or a heartbeat in its batch
// naming it, the open-count trigger (db.Tx.HighestRowHeld). The 3-node
// proofs of f7f6cef, 88fa0a8 and eda67d3 each logged that cycle once.
func lockQueue(ctx context.Context, tx *db.Tx, k queueKey) error {
	if tx.HighestRowHeld("routing_agents") != 0 && !tx.Alone() {
		ctx = db.NoWait(ctx)
	}
	return tx.LockName(ctx, queueLocks, fmt.Sprintf("%d:%d:%d", k.workspaceID, k.teamID, k.userID))
}

// queueLocks is the advisory lock space of the queues.
const queueLocks = 7268040

type queueRow struct {
	id, conversationID int64
	job                job
	enqueuedAt         int64
}

const queueColumns = `id, conversation_id, workspace_id, team_id, user_id, target, priority, strategy, only_online, max_open, source, by_user_id, enqueued_at`

func scanQueueRow(row interface{ Scan(...any) error }) (queueRow, error) {
	var r queueRow
	var online int
	err := row.Scan(&r.id, &r.conversationID, &r.job.workspaceID, &r.job.teamID, &r.job.userID, &r.job.target, &r.job.priority,
		&r.job.strategy, &online, &r.job.maxOpen, &r.job.source, &r.job.byUserID, &r.enqueuedAt)
	r.job.conversationID, r.job.onlyOnline = r.conversationID, online != 0
	r.job.auto = r.job.target != TargetUser
	return r, err
}

// enqueue puts j's conversation at the tail of its queue, or leaves it
// where it is if it already waits there (a repeated request keeps its
// place). It reports whether a row was added.
func enqueue(ctx context.Context, tx *db.Tx, j job, now int64) (bool, error) {
	k := j.key()
	var team, user int64
	err := tx.QueryRow(ctx, `SELECT team_id, user_id FROM routing_queue WHERE conversation_id = ?`, j.conversationID).Scan(&team, &user)
	switch {
	case err == nil && team == k.teamID && user == k.userID:
		return false, nil
	case err == nil:
		if err := dequeue(ctx, tx, j.conversationID); err != nil {
			return false, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO routing_queue (workspace_id, conversation_id, team_id, user_id, target, priority, strategy,
		only_online, max_open, source, by_user_id, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.workspaceID, j.conversationID, k.teamID, k.userID, j.target, j.priority, j.strategy, db.Bool(j.onlyOnline), j.maxOpen,
		j.source, j.byUserID, now)
	return err == nil, err
}

// DequeueTx takes a conversation of the workspace out of its queue inside
// tx (the workflow engine calls it when Assign To stops waiting).
func DequeueTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM routing_queue WHERE workspace_id = ? AND conversation_id = ?`, workspaceID, conversationID)
	return wrap("dequeue", err)
}

func dequeue(ctx context.Context, tx *db.Tx, conversationID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM routing_queue WHERE conversation_id = ?`, conversationID)
	return err
}

// enqueueAndDrain queues j's conversation and drains its queue in the same
// transaction: if a slot is free the head (this conversation, when the
// queue was empty) is assigned now; otherwise it waits, and the event that
// frees a slot drains the queue.
func (s *Service) enqueueAndDrain(ctx context.Context, tx *db.Tx, conv conversation.Conversation, j job, st settings, now int64) (Result, error) {
	if err := lockQueue(ctx, tx, j.key()); err != nil {
		return Result{}, err
	}
	if conv.AssigneeID != 0 && conv.AssigneeID != j.userID {
		// A transfer: the conversation leaves its assignee and waits like
		// any other, so it never jumps the queue.
		if _, err := conversation.UnassignTx(ctx, tx, j.workspaceID, conv.ID, conversation.UnassignInput{
			Source: j.source, ByUser: j.byUserID, Reason: "transferred"}); err != nil {
			return Result{}, err
		}
		j.before.AssigneeID = 0
	}
	// Whether others wait ahead, and whether this conversation waits
	// anywhere (if not, an assignment has no queue row to remove).
	var waiting, mine int
	if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM routing_queue WHERE workspace_id = ? AND team_id = ? AND user_id = ?
		AND conversation_id <> ? LIMIT 1) w), (SELECT COUNT(*) FROM routing_queue WHERE conversation_id = ?)`,
		j.workspaceID, j.key().teamID, j.key().userID, j.conversationID, j.conversationID).Scan(&waiting, &mine); err != nil {
		return Result{}, err
	}
	if waiting == 0 || (j.userID != 0 && conv.AssigneeID == j.userID) {
		j.unqueued = mine == 0
		// Nobody waits ahead, or the user named already holds it (keeping
		// it takes no slot, so it passes nobody): try directly, and queue
		// only if nobody qualifies (saves writing and deleting a queue row).
		ok, uid, reason, err := s.tryJob(ctx, tx, j, st, now)
		if err != nil || ok {
			return Result{Assigned: ok, UserID: uid, Reason: reason}, err
		}
	}
	added, err := enqueue(ctx, tx, j, now)
	if err != nil {
		return Result{}, err
	}
	if added && j.teamID != 0 {
		// Waiting for the team, or for a user of it: filed under the team
		// now, so its agents see it meanwhile. A user's queue is keyed by
		// the user alone, so this is also where the team is kept until
		// the user takes it.
		if err := conversation.SetTeamTx(ctx, tx, j.workspaceID, j.conversationID, j.teamID); err != nil {
			return Result{}, err
		}
	}
	// Not yielding: the caller's own conversation may be behind the head,
	// and a give-way here runs the request again, alone, where it waits.
	assigned, last, err := s.drainTx(ctx, tx, j.key(), st, now, false)
	if err != nil {
		return Result{}, err
	}
	if a, ok := assigned[j.conversationID]; ok {
		return Result{Assigned: true, UserID: a.userID, Reason: a.reason}, nil
	}
	var pos int
	if added {
		// A new row has the largest id: everything of its priority or
		// higher is ahead of it, one index range to count.
		k := j.key()
		err = tx.QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue WHERE workspace_id = ? AND team_id = ? AND user_id = ? AND priority >= ?`,
			k.workspaceID, k.teamID, k.userID, j.priority).Scan(&pos)
	} else {
		pos, err = position(ctx, tx, j.conversationID)
	}
	if err != nil {
		return Result{}, err
	}
	reason := last
	reason.Target, reason.TeamID = j.target, j.teamID
	if j.userID != 0 {
		reason.Summary = fmt.Sprintf("waiting for user %d at position %d: %s", j.userID, pos, last.Summary)
	} else {
		reason.Summary = fmt.Sprintf("waiting in %s's queue at position %d: %s", reason.scope(), pos, last.Summary)
	}
	if added {
		if _, err := event.Append(ctx, tx, event.New{WorkspaceID: j.workspaceID, Type: event.ConversationQueued,
			ConversationID: conv.ID, ContactID: conv.ContactID, Payload: map[string]any{
				"conversation_id": conv.ID, "team_id": j.teamID, "user_id": j.userID, "position": pos,
				"priority": j.priority, "source": j.source, "reason": reason.Summary, "routing": reason}}); err != nil {
			return Result{}, err
		}
	}
	return Result{Queued: true, Position: pos, Reason: reason}, nil
}

type placed struct {
	userID int64
	reason Reason
}

// drainBatch bounds the assignments of one drain transaction, so one
// capacity increase in a huge queue does not hold the writer for long;
// the drainer runs again until the queue blocks.
const drainBatch = 200

// drainTx assigns the queue's head while somebody qualifies for it. It
// returns what it placed, and the reason the head it stopped at could not
// be placed.
//
// With yield, once it placed a conversation it waits for no lock held
// elsewhere (db.NoWait): its transaction then holds the agents it claimed,
// and waiting for a head's conversation or an agent's row could close a
// cycle with a transaction holding that and waiting for one of them (the
// 3-node proof logged such cycles on agents' rows). It stops at db.ErrLockOrder instead,
// keeping what it placed, for its caller to drain the rest once this
// commits (see drainKeys).
func (s *Service) drainTx(ctx context.Context, tx *db.Tx, k queueKey, st settings, now int64, yield bool) (map[int64]placed, Reason, error) {
	out := map[int64]placed{}
	if err := lockQueue(ctx, tx, k); err != nil {
		return out, Reason{}, err
	}
	for range drainBatch {
		row, err := scanQueueRow(tx.QueryRow(ctx, `SELECT `+queueColumns+` FROM routing_queue
			WHERE workspace_id = ? AND team_id = ? AND user_id = ? ORDER BY priority DESC, id LIMIT 1`, k.workspaceID, k.teamID, k.userID))
		if errors.Is(err, sql.ErrNoRows) {
			return out, Reason{Summary: "the queue is empty"}, nil
		}
		if err != nil {
			return out, Reason{}, fmt.Errorf("queue head: %w", err)
		}
		lockCtx := ctx
		if yield && len(out) > 0 {
			lockCtx = db.NoWait(ctx)
		}
		if err := lockConversation(lockCtx, tx, row.conversationID); err != nil {
			return out, Reason{}, err
		}
		conv, err := conversation.GetTx(ctx, tx, k.workspaceID, row.conversationID)
		if err != nil || conv.Status == conversation.StatusClosed || (conv.AssigneeID != 0 && conv.AssigneeID != row.job.userID) {
			// Closed, gone or assigned by hand meanwhile: it waits no more.
			if err := dequeue(ctx, tx, row.conversationID); err != nil {
				return out, Reason{}, err
			}
			continue
		}
		row.job.before = conv
		ok, uid, reason, err := s.tryJob(lockCtx, tx, row.job, st, now)
		if err != nil {
			return out, reason, err
		}
		if !ok {
			return out, reason, nil
		}
		out[row.conversationID] = placed{uid, reason}
	}
	return out, Reason{Summary: "drain batch full"}, nil
}

// position is the conversation's 1-based place in its queue, 0 if it
// does not wait.
func position(ctx context.Context, q db.Querier, conversationID int64) (int, error) {
	var pos int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM routing_queue q JOIN routing_queue me ON me.conversation_id = ?
		WHERE q.workspace_id = me.workspace_id AND q.team_id = me.team_id AND q.user_id = me.user_id
		AND (q.priority > me.priority OR (q.priority = me.priority AND q.id <= me.id))`, conversationID).Scan(&pos)
	return pos, err
}
