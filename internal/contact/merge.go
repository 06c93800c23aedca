package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// CloseConversationFunc closes, inside tx, the open conversation id of a
// contact being merged; userID is who merges (0 for a token). Package
// conversation provides it (conversation.CloseForMergeTx): this package
// cannot import that one.
type CloseConversationFunc func(ctx context.Context, tx *db.Tx, workspaceID, id, userID int64, summary string) error

// SetConversationCloser sets how Merge closes the second open
// conversation. Without one, merging two contacts that both have an open
// conversation is a conflict.
func (s *Service) SetConversationCloser(f CloseConversationFunc) { s.closeConv = f }

// MergeInput merges contact From into the contact of the path.
type MergeInput struct {
	From int64 `json:"from"`
	// Keep chooses, per field, whose value the kept contact ends with:
	// "from" or "into". Keys are standard fields (first_name, last_name,
	// phone, email, language, country, avatar_url, lifecycle_stage) or
	// custom field keys. A field not named takes the older contact's value,
	// or the other's when the older has none.
	Keep map[string]string `json:"keep"`
}

// MergeResult says what a merge did.
type MergeResult struct {
	Contact Contact `json:"contact"`
	// ClosedConversationID is the conversation closed because both contacts
	// had one open (0 when none was).
	ClosedConversationID int64 `json:"closed_conversation_id,omitempty"`
	MovedConversations   int64 `json:"moved_conversations"`
	MovedIdentities      int64 `json:"moved_identities"`
}

// mergeFields are the standard fields a merge chooses between.
var mergeFields = []string{"first_name", "last_name", "phone", "email", "language", "country", "avatar_url", "lifecycle_stage"}

// mergeRow is what a merge reads of one contact.
type mergeRow struct {
	id, created, stage, lastIncoming, lastAssignee int64
	std                                            map[string]string
	fields                                         map[int64]string // field id → stored value
	open                                           sql.NullInt64
	openAt                                         int64
	test                                           bool // the Workflow Builder's test contact (migration 023)
	blockedAt, blockedBy                           int64
}

func readMergeRow(ctx context.Context, tx *db.Tx, workspaceID, id int64) (mergeRow, error) {
	r := mergeRow{id: id, std: map[string]string{}, fields: map[int64]string{}}
	var first, last, phone, email, lang, country, avatar string
	var stage sql.NullInt64
	var assignee sql.NullInt64
	var test int64
	err := tx.QueryRow(ctx, `SELECT first_name, last_name, COALESCE(phone, ''), COALESCE(email, ''), language, country, avatar_url,
		lifecycle_stage_id, created_at, last_incoming_at, last_assignee_id, is_test, COALESCE(blocked_at, 0), blocked_by
		FROM contacts WHERE workspace_id = ? AND id = ?`, workspaceID, id).
		Scan(&first, &last, &phone, &email, &lang, &country, &avatar, &stage, &r.created, &r.lastIncoming, &assignee, &test, &r.blockedAt, &r.blockedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFound("contact")
	}
	if err != nil {
		return r, fmt.Errorf("contact: merge: read %d: %w", id, err)
	}
	r.stage, r.lastAssignee, r.test = stage.Int64, assignee.Int64, test != 0
	r.std = map[string]string{"first_name": first, "last_name": last, "phone": phone, "email": email, "language": lang,
		"country": country, "avatar_url": avatar}
	if stage.Valid {
		r.std["lifecycle_stage"] = fmt.Sprint(stage.Int64)
	} else {
		r.std["lifecycle_stage"] = ""
	}
	rows, err := tx.Query(ctx, `SELECT field_id, value FROM contact_field_values WHERE contact_id = ?`, id)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var fid int64
		var v string
		if err := rows.Scan(&fid, &v); err != nil {
			rows.Close()
			return r, err
		}
		r.fields[fid] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	err = tx.QueryRow(ctx, `SELECT id, opened_at FROM conversations WHERE contact_id = ? AND status <> 'closed'`, id).Scan(&r.open, &r.openAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	return r, nil
}

// Merge merges contact in.From into contact into, in one write: from's
// identities, conversations (with their messages and events), tags and
// custom field values move to into, the fields are chosen (see
// MergeInput.Keep), from is deleted and contact.merged is recorded on into.
//
// A contact keeps one open conversation at most: when both have one, the
// newer (by opening time) is closed — source user, or api for a token —
// with a note naming the merge, and moves, closed, with its messages, under
// the kept contact; the older stays open. The merged contact is blocked
// if either was, and then keeps no open conversation.
//
// Merging deletes a contact: it needs the delete_contacts permission
// (forbidden without it), and both contacts must be visible to p.
func (s *Service) Merge(ctx context.Context, p Principal, into int64, in MergeInput) (MergeResult, error) {
	if !canDelete(p) {
		return MergeResult{}, apperr.Forbidden("merging deletes a contact: you need the delete_contacts permission")
	}
	if in.From <= 0 {
		return MergeResult{}, apperr.Invalid("from", "must be the id of the contact to merge into this one")
	}
	if in.From == into {
		return MergeResult{}, apperr.Invalid("from", "a contact cannot be merged into itself")
	}
	for k, v := range in.Keep {
		if v != "from" && v != "into" {
			return MergeResult{}, apperr.Invalid("keep."+limit.Clip(k, 50), "must be \"from\" or \"into\"")
		}
	}
	var res MergeResult
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		res, err = s.mergeTx(ctx, tx, p, into, in)
		return err
	})
	if err != nil {
		return MergeResult{}, err
	}
	res.Contact, err = get(ctx, s.db.Reader(), p.WorkspaceID, into)
	return res, err
}

func (s *Service) mergeTx(ctx context.Context, tx *db.Tx, p Principal, into int64, in MergeInput) (MergeResult, error) {
	var res MergeResult
	ws := p.WorkspaceID
	for _, id := range []int64{into, in.From} {
		if err := maySee(ctx, tx, p, id); err != nil {
			return res, err
		}
	}
	a, err := readMergeRow(ctx, tx, ws, into)
	if err != nil {
		return res, err
	}
	b, err := readMergeRow(ctx, tx, ws, in.From)
	if err != nil {
		return res, err
	}
	// A test contact and its conversations live apart: lists leave them
	// out by the contact, counts by the conversation (migration 023).
	// Merged across that line, a real contact's conversations would
	// leave every list under a test contact, or a test conversation join
	// the inbox uncounted. Merge suggestions never pair them either.
	if a.test || b.test {
		return res, apperr.Invalid("from", "a test contact of the Workflow Builder cannot be merged with another contact")
	}
	defs, err := listFields(ctx, tx, ws)
	if err != nil {
		return res, err
	}
	fieldKeys := map[string]int64{}
	for _, f := range defs {
		fieldKeys[f.Key] = f.ID
	}
	for k := range in.Keep {
		if _, ok := fieldKeys[strings.TrimPrefix(k, "fields.")]; !ok && !slices.Contains(mergeFields, k) {
			return res, apperr.Invalid("keep."+limit.Clip(k, 50), "is neither a standard field nor a custom field key")
		}
	}
	older := a
	if b.created < a.created || (b.created == a.created && b.id < a.id) {
		older = b
	}
	pick := func(key string, av, bv string, aHas, bHas bool) (string, bool, string) {
		choice := in.Keep[key]
		if choice == "" && strings.HasPrefix(key, "fields.") {
			choice = in.Keep[strings.TrimPrefix(key, "fields.")]
		}
		switch choice {
		case "into":
			return av, aHas, "into"
		case "from":
			return bv, bHas, "from"
		}
		ov, oHas, nv, nHas, on, nn := av, aHas, bv, bHas, "into", "from"
		if older.id == b.id {
			ov, oHas, nv, nHas, on, nn = bv, bHas, av, aHas, "from", "into"
		}
		if oHas {
			return ov, true, on
		}
		return nv, nHas, nn
	}
	std := map[string]string{}
	var changed []string
	for _, f := range mergeFields {
		v, _, _ := pick(f, a.std[f], b.std[f], a.std[f] != "", b.std[f] != "")
		std[f] = v
		if v != a.std[f] {
			changed = append(changed, f)
		}
	}
	if std["first_name"] == "" {
		std["first_name"] = a.std["first_name"]
	}
	final := map[int64]string{}
	for key, fid := range fieldKeys {
		av, aHas := a.fields[fid]
		bv, bHas := b.fields[fid]
		if v, has, _ := pick("fields."+key, av, bv, aHas, bHas); has {
			final[fid] = v
			if v != av || !aHas {
				changed = append(changed, "fields."+key)
			}
		} else if aHas {
			changed = append(changed, "fields."+key)
		}
	}
	sort.Strings(changed)

	// One open conversation at most: close the newer.
	var closedAssignee int64
	stillOpen := a.open
	if !stillOpen.Valid {
		stillOpen = b.open
	}
	if a.open.Valid && b.open.Valid {
		if s.closeConv == nil {
			return res, apperr.Conflict("both contacts have an open conversation; close one first")
		}
		closeID, keepID := b.open.Int64, a.open.Int64
		if a.openAt > b.openAt || (a.openAt == b.openAt && a.open.Int64 > b.open.Int64) {
			closeID, keepID = a.open.Int64, b.open.Int64
		}
		note := fmt.Sprintf("Closed by merging contact %d into contact %d; conversation %d stays open.", in.From, into, keepID)
		if err := s.closeConv(ctx, tx, ws, closeID, p.UserID, note); err != nil {
			return res, err
		}
		res.ClosedConversationID = closeID
		stillOpen = sql.NullInt64{Int64: keepID, Valid: true}
		// The close made its assignee its contact's last assignee, after
		// the rows above were read: the merged contact keeps them.
		if err := tx.QueryRow(ctx, `SELECT COALESCE(assignee_id, 0) FROM conversations WHERE id = ?`, closeID).Scan(&closedAssignee); err != nil {
			return res, fmt.Errorf("contact: merge: %w", err)
		}
	}

	// Blocked if either was (a spammer merged in stays blocked, as the
	// contact kept does): the conversation left open closes as a block
	// closes it (Block).
	blockedAt, blockedBy := a.blockedAt, a.blockedBy
	if blockedAt == 0 {
		blockedAt, blockedBy = b.blockedAt, b.blockedBy
	}
	if blockedAt != 0 && stillOpen.Valid {
		if s.closeConv == nil {
			return res, apperr.Conflict("the merged contact is blocked and has an open conversation; close it first")
		}
		if err := s.closeConv(ctx, tx, ws, stillOpen.Int64, p.UserID, blockSummary); err != nil {
			return res, err
		}
	}
	if blockedAt != 0 && a.blockedAt == 0 {
		changed = append(changed, "blocked")
		sort.Strings(changed)
	}

	now := tx.Now()
	// Free from's phone and email before into takes them (unique indexes).
	if _, err := tx.Exec(ctx, `UPDATE contacts SET phone = NULL, email = NULL WHERE id = ?`, in.From); err != nil {
		return res, fmt.Errorf("contact: merge: %w", err)
	}
	var stage sql.NullInt64
	if std["lifecycle_stage"] != "" {
		if std["lifecycle_stage"] == a.std["lifecycle_stage"] {
			stage = sql.NullInt64{Int64: a.stage, Valid: true}
		} else {
			stage = sql.NullInt64{Int64: b.stage, Valid: true}
		}
	}
	lastAssignee := a.lastAssignee
	if b.lastIncoming > a.lastIncoming && b.lastAssignee != 0 || lastAssignee == 0 {
		lastAssignee = b.lastAssignee
	}
	if closedAssignee != 0 {
		lastAssignee = closedAssignee
	}
	if _, err := tx.Exec(ctx, `UPDATE contacts SET first_name = ?, last_name = ?, phone = ?, email = ?, language = ?, country = ?,
		avatar_url = ?, lifecycle_stage_id = ?, last_incoming_at = ?, last_assignee_id = ?, blocked_at = ?, blocked_by = ?, updated_at = ? WHERE id = ?`,
		std["first_name"], std["last_name"], nullStr(std["phone"]), nullStr(std["email"]), std["language"], std["country"],
		std["avatar_url"], stage, max(a.lastIncoming, b.lastIncoming), nullID(lastAssignee), nullID(blockedAt), blockedBy, now, into); err != nil {
		return res, fmt.Errorf("contact: merge: update: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM contact_field_values WHERE contact_id = ?`, into); err != nil {
		return res, err
	}
	for fid, v := range final {
		if _, err := tx.Exec(ctx, `INSERT INTO contact_field_values (contact_id, field_id, value) VALUES (?, ?, ?)`, into, fid, v); err != nil {
			return res, err
		}
	}
	stmts := []string{
		`INSERT INTO contact_tags (contact_id, tag_id) SELECT ?, tag_id FROM contact_tags WHERE contact_id = ?
			AND tag_id NOT IN (SELECT tag_id FROM contact_tags WHERE contact_id = ?)`,
		`INSERT INTO workflow_contacts (workflow_id, contact_id) SELECT workflow_id, ? FROM workflow_contacts WHERE contact_id = ?
			AND workflow_id NOT IN (SELECT workflow_id FROM workflow_contacts WHERE contact_id = ?)`,
		// The broadcasts the merged contact received count the kept one
		// (their messages move with the others); a broadcast both received
		// keeps the kept contact's.
		`INSERT INTO broadcast_recipients (broadcast_id, contact_id, message_id, skipped) SELECT broadcast_id, ?, message_id, skipped
			FROM broadcast_recipients WHERE contact_id = ?
			AND broadcast_id NOT IN (SELECT broadcast_id FROM broadcast_recipients WHERE contact_id = ?)`,
	}
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q, into, in.From, into); err != nil {
			return res, fmt.Errorf("contact: merge: %w", err)
		}
	}
	for _, t := range []struct {
		table string
		n     *int64
	}{{"contact_identities", &res.MovedIdentities}, {"conversations", &res.MovedConversations}, {"messages", nil},
		{"events", nil}, {"workflow_runs", nil}, {"outbound_jobs", nil}} {
		r, err := tx.Exec(ctx, `UPDATE `+t.table+` SET contact_id = ? WHERE contact_id = ?`, into, in.From)
		if err != nil {
			return res, fmt.Errorf("contact: merge: move %s: %w", t.table, err)
		}
		if t.n != nil {
			*t.n, _ = r.RowsAffected()
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM workflow_contacts WHERE contact_id = ?`, in.From); err != nil {
		return res, err
	}
	if err := tx.DeleteOwned(ctx, "contacts", "contact", ws, in.From); err != nil {
		return res, err
	}
	if changed == nil {
		changed = []string{}
	}
	payload := map[string]any{"contact_id": into, "merged_contact_id": in.From, "changed": changed,
		"moved_conversations": res.MovedConversations, "moved_identities": res.MovedIdentities}
	if res.ClosedConversationID != 0 {
		payload["closed_conversation_id"] = res.ClosedConversationID
	}
	if p.UserID != 0 {
		payload["user_id"] = p.UserID
	}
	_, err = event.Append(ctx, tx, event.New{WorkspaceID: ws, Type: event.ContactMerged, ContactID: into, Payload: payload})
	return res, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
