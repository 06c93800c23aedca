package contact

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// The batched half of the receive path (conversation's receive batch):
// on SQLite, one writer executes every statement of every webhook, and
// the statement count, not the rows, is what it spends its time on; so
// the identities of all the webhooks of one group commit are looked up
// with one statement, and the contacts of the new ones created with one
// multi-row INSERT per table. ResolveTx stays the path of one identity
// (and of PostgreSQL).

// IdentityKey names a contact on a channel.
type IdentityKey struct {
	ChannelID  int64
	ExternalID string
}

// LookupIdentitiesTx returns the contact of each key that has one.
func LookupIdentitiesTx(ctx context.Context, tx *db.Tx, keys []IdentityKey) (map[IdentityKey]int64, error) {
	out := make(map[IdentityKey]int64, len(keys))
	err := db.Chunked(len(keys), func(from, n int) error {
		args := make([]any, 0, 2*n)
		for _, k := range keys[from : from+n] {
			args = append(args, k.ChannelID, k.ExternalID)
		}
		rows, err := tx.Query(ctx, `SELECT v.column1, v.column2, ci.contact_id FROM (VALUES `+db.Rows("(?, ?)", n)+`) AS v
			JOIN contact_identities ci ON ci.channel_id = v.column1 AND ci.external_id = v.column2`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k IdentityKey
			var id int64
			if err := rows.Scan(&k.ChannelID, &k.ExternalID, &id); err != nil {
				return err
			}
			out[k] = id
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("contact: look up identities: %w", err)
	}
	return out, nil
}

// InboundProfile is what ResolveTx keeps of an inbound profile for a new
// contact of externalID: the valid parts, an E.164 external id as the
// phone, the external id as the name of a nameless contact.
func InboundProfile(p Input, externalID string) Input { return sanitize(p, externalID) }

// WorkspaceValue is a phone or email in a workspace.
type WorkspaceValue struct {
	WorkspaceID int64
	Value       string
}

// TakenTx returns which of the values the contacts of their workspace
// already hold in column, "phone" or "email" (normalised, as
// InboundProfile gives them).
func TakenTx(ctx context.Context, tx *db.Tx, column string, values []WorkspaceValue) (map[WorkspaceValue]bool, error) {
	if column != "phone" && column != "email" {
		return nil, fmt.Errorf("contact: no lookup by %q", column)
	}
	out := map[WorkspaceValue]bool{}
	err := db.Chunked(len(values), func(from, n int) error {
		args := make([]any, 0, 2*n)
		for _, v := range values[from : from+n] {
			args = append(args, v.WorkspaceID, v.Value)
		}
		rows, err := tx.Query(ctx, `SELECT v.column1, v.column2 FROM (VALUES `+db.Rows("(?, ?)", n)+`) AS v
			JOIN contacts c ON c.workspace_id = v.column1 AND c.`+column+` = v.column2`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v WorkspaceValue
			if err := rows.Scan(&v.WorkspaceID, &v.Value); err != nil {
				return err
			}
			out[v] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("contact: look up %ss: %w", column, err)
	}
	return out, nil
}

// NewInbound is a contact to create for a channel identity seen for the
// first time, whose profile (from InboundProfile) matches no contact of
// the workspace by phone or email.
type NewInbound struct {
	ID          int64 // chosen by the caller (see db.NextIDsTx)
	WorkspaceID int64
	IdentityKey
	Profile Input
	// StageID is the workspace's default lifecycle stage (0: none).
	StageID int64
	// LastIncomingAt is the time of the message that made it.
	LastIncomingAt int64
}

// CreateInboundTx creates the contacts and their identities, one
// multi-row INSERT per table, and appends contact.created for each in
// order, as ResolveTx would have one by one. Its callers made sure no two
// share an identity, a phone or an email, and that none is taken: a
// unique index still refuses the batch otherwise.
func CreateInboundTx(ctx context.Context, tx *db.Tx, cs []NewInbound) error {
	type row struct {
		st standard
		c  NewInbound
	}
	rows := make([]row, len(cs))
	for i, c := range cs {
		if err := c.Profile.apply(&rows[i].st); err != nil {
			return err
		}
		rows[i].c = c
	}
	// One statement per table on PostgreSQL whatever the number of rows
	// (one array per column), where the chunks took one per set bit of it.
	now := tx.Now()
	err := db.InsertRows(ctx, tx, len(rows), `INSERT INTO contacts (id, workspace_id, first_name, last_name, phone, email, language, country, avatar_url,
		lifecycle_stage_id, last_incoming_at, created_at, updated_at) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", func(i int) []any {
		r := rows[i]
		return []any{r.c.ID, r.c.WorkspaceID, r.st.first, r.st.last, nullStr(r.st.phone), nullStr(r.st.email), r.st.language,
			r.st.country, r.st.avatar, sql.NullInt64{Int64: r.c.StageID, Valid: r.c.StageID != 0}, r.c.LastIncomingAt, now, now}
	})
	if err != nil {
		return fmt.Errorf("contact: create: %w", err)
	}
	err = db.InsertRows(ctx, tx, len(rows), `INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES `,
		"(?, ?, ?, ?, ?)", "", func(i int) []any {
			r := rows[i]
			return []any{r.c.WorkspaceID, r.c.ChannelID, r.c.ExternalID, r.c.ID, now}
		})
	if err != nil {
		return fmt.Errorf("contact: create identity: %w", err)
	}
	for _, r := range rows {
		if _, err := event.Append(ctx, tx, event.New{WorkspaceID: r.c.WorkspaceID, Type: event.ContactCreated, ContactID: r.c.ID,
			Payload: map[string]any{"contact_id": r.c.ID, "first_name": r.st.first, "phone": r.st.phone, "email": r.st.email}}); err != nil {
			return err
		}
	}
	return nil
}

// DefaultStageTx returns the workspace's default lifecycle stage, 0 when it
// has none: what CreateTx gives a contact created without one.
func DefaultStageTx(ctx context.Context, tx *db.Tx, workspaceID int64) (int64, error) {
	var id sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT (SELECT id FROM lifecycle_stages WHERE workspace_id = ? AND is_default = 1 LIMIT 1)`, workspaceID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("contact: default stage: %w", err)
	}
	return id.Int64, nil
}
