package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// DeleteUser removes a user who left no trace: nothing in the workspace's
// record refers to them. Anyone with history (assigned, opened or closed
// a conversation, sent a message, wrote or was mentioned in a comment,
// routed, or named by any event, workflow or run) is a conflict: such a
// user is deactivated instead, so that their history keeps its author.
// Their team memberships, tokens, sessions and presence go with them; so
// does their account, unless it is a member of another workspace. An AI
// agent member is a conflict: internal/aiagent deletes it.
func (s *Service) DeleteUser(ctx context.Context, workspaceID, id int64) error {
	// The append-only logs (events, runs, comments) can be long: they are
	// read first on a reader, and the write transaction then reads only
	// what was appended since. Writes are serialised on both stores, so
	// ids become visible in order and nothing is appended below the mark.
	var mark logMarks
	if err := s.db.Reader().QueryRow(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM events),
		(SELECT COALESCE(MAX(id), 0) FROM workflow_runs), (SELECT COALESCE(MAX(id), 0) FROM comments)`).
		Scan(&mark.events, &mark.runs, &mark.comments); err != nil {
		return wrap("delete user", err)
	}
	if err := logHistory(ctx, s.db.Reader(), workspaceID, id, logMarks{}, mark, false); err != nil {
		return wrap("delete user", err)
	}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		role, _, err := userState(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		// An AI agent member has no account and an ai_agents row that
		// refers to it: internal/aiagent removes it, on its own route.
		var kind string
		if err := tx.QueryRow(ctx, `SELECT kind FROM users WHERE id = ?`, id).Scan(&kind); err != nil {
			return err
		}
		if kind == KindAIAgent {
			return apperr.Conflict("user %d is an AI agent: delete it with DELETE /api/v1/ai/agents/%d", id, id)
		}
		if role == RoleOwner {
			if err := keepAnOwner(ctx, tx, workspaceID, id); err != nil {
				return err
			}
		}
		if err := rowHistory(ctx, tx, workspaceID, id); err != nil {
			return err
		}
		if err := logHistory(ctx, tx, workspaceID, id, mark, noMark, true); err != nil {
			return err
		}
		account, err := accountOf(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `DELETE FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, id); err != nil {
			return err
		}
		// The person's other memberships keep their account; with none
		// left it goes too, and its email is free again.
		_, err = tx.Exec(ctx, `DELETE FROM accounts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM users WHERE account_id = ?)`, account, account)
		return err
	})
	return wrap("delete user", err)
}

// hasHistory is the conflict of a user who cannot be deleted.
func hasHistory(id int64, what string) error {
	return apperr.Conflict("user %d has history (%s): deactivate them instead (POST /api/v1/users/%d/deactivate)", id, what, id)
}

// rowHistory looks for rows that refer to the user: each check is one
// index probe (migration 006), cheap inside the write transaction.
func rowHistory(ctx context.Context, tx *db.Tx, workspaceID, id int64) error {
	checks := []struct{ what, table, where string }{
		{"conversations assigned to them", "conversations", "assignee_id = ?"},
		{"conversations they opened", "conversations", "opened_by = ?"},
		{"conversations they closed", "conversations", "closed_by = ?"},
		{"contacts they were the last assignee of", "contacts", "last_assignee_id = ?"},
		{"messages they sent", "messages", "sender_user_id = ?"},
		{"comments they wrote", "comments", "user_id = ?"},
		{"conversations waiting for them", "routing_queue", "user_id = ?"},
		{"conversations they queued", "routing_queue", "by_user_id = ?"},
		{"a round-robin position", "routing_round_robin", "last_user_id = ?"},
	}
	for _, c := range checks {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+c.table+` WHERE `+c.where+` LIMIT 1) x`, id).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", c.table, err)
		}
		if n > 0 {
			return hasHistory(id, c.what)
		}
	}
	return nil
}

// logMarks are ids in the append-only logs: the last row read so far.
type logMarks struct{ events, runs, comments int64 }

// noMark bounds nothing.
var noMark = logMarks{1 << 62, 1 << 62, 1 << 62}

// jsonSource is a query returning JSON documents that may name a user.
type jsonSource struct {
	what, query string
	args        []any
}

// logHistory looks for the user in the JSON of the workspace's events,
// workflow runs and comment mentions with ids in (after, upto], and, when
// definitions is set, in its workflow definitions (they change in place,
// so they are read inside the transaction only). A LIKE on the id's
// digits keeps most rows from being decoded.
func logHistory(ctx context.Context, q db.Querier, workspaceID, id int64, after, upto logMarks, definitions bool) error {
	like := "%" + strconv.FormatInt(id, 10) + "%"
	sources := []jsonSource{
		{"events name them", `SELECT payload FROM events WHERE workspace_id = ? AND id > ? AND id <= ? AND payload LIKE ?`,
			[]any{workspaceID, after.events, upto.events, like}},
		{"workflow runs name them", `SELECT data FROM workflow_runs WHERE workspace_id = ? AND id > ? AND id <= ? AND data LIKE ?`,
			[]any{workspaceID, after.runs, upto.runs, like}},
		{"comments mention them", `SELECT mentions FROM comments WHERE workspace_id = ? AND id > ? AND id <= ? AND mentions LIKE ?`,
			[]any{workspaceID, after.comments, upto.comments, like}},
	}
	if definitions {
		sources = append(sources,
			jsonSource{"a workflow draft names them", `SELECT draft FROM workflows WHERE workspace_id = ? AND draft LIKE ?`,
				[]any{workspaceID, like}},
			jsonSource{"a published workflow names them", `SELECT v.definition FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
				WHERE w.workspace_id = ? AND v.definition LIKE ?`, []any{workspaceID, like}})
	}
	for _, src := range sources {
		found, err := anyNamesUser(ctx, q, src.query, src.args, id)
		if err != nil {
			return err
		}
		if found {
			return hasHistory(id, src.what)
		}
	}
	return nil
}

// anyNamesUser reports whether a JSON document the query returns names
// the user.
func anyNamesUser(ctx context.Context, q db.Querier, query string, args []any, id int64) (bool, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	want := strconv.FormatInt(id, 10)
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return false, err
		}
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) == nil && namesUser(v, "mentions", want) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// namesUser reports whether v names user id: a number under a key that
// holds a user (user_id, assignee_id, or ending in _user_id or
// _assignee_id) or in a list of users (added, removed, mentions,
// member_ids, user_ids). A list's items take the list's key. The match is
// conservative: an integration's own "user_id" equal to the id counts too.
func namesUser(v any, key, id string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if namesUser(e, k, id) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if namesUser(e, key, id) {
				return true
			}
		}
	case json.Number:
		return x.String() == id && userKey(key)
	}
	return false
}

func userKey(k string) bool {
	switch k {
	case "user_id", "assignee_id", "added", "removed", "mentions", "member_ids", "user_ids":
		return true
	}
	return strings.HasSuffix(k, "_user_id") || strings.HasSuffix(k, "_assignee_id")
}
