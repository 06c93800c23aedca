package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// rawResult is what one raw SQLite loop measured.
type rawResult struct {
	MultiRow bool // one INSERT per table per transaction instead of one per row
	Batch    int  // messages per transaction (and so per fsync)
	Messages int
	Elapsed  time.Duration
	CPU      time.Duration // user+system CPU of the loop (this process)
}

// Rate is messages per second.
func (r rawResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Messages) / r.Elapsed.Seconds()
}

// rowsPerMessage is what the server writes for the first message of a new
// contact, and so what the raw loop inserts: the contact, its channel
// identity, the conversation, the message, and the contact.created,
// conversation.opened and message.received events.
const rowsPerMessage = 7

// The raw loop's statements, one per table. Each has the columns the
// server fills and a row template for the multi-row form, whose ids are
// given rather than returned.
var rawTables = []struct {
	insert, row     string // one row, ids chosen by SQLite
	insertID, rowID string // with an explicit id, for multi-row INSERTs
}{
	{`INSERT INTO contacts (workspace_id, first_name, phone, created_at, updated_at, last_incoming_at) VALUES `, `(1, 'Bench', ?, ?, ?, ?)`,
		`INSERT INTO contacts (id, workspace_id, first_name, phone, created_at, updated_at, last_incoming_at) VALUES `, `(?, 1, 'Bench', ?, ?, ?, ?)`},
	{`INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES `, `(1, 1, ?, ?, ?)`,
		`INSERT INTO contact_identities (id, workspace_id, channel_id, external_id, contact_id, created_at) VALUES `, `(?, 1, 1, ?, ?, ?)`},
	{`INSERT INTO conversations (workspace_id, contact_id, channel_id, status, opened_source, last_seq, last_message_at, last_incoming_at, opened_at) VALUES `,
		`(1, ?, 1, 'open', 'contact', 2, ?, ?, ?)`,
		`INSERT INTO conversations (id, workspace_id, contact_id, channel_id, status, opened_source, last_seq, last_message_at, last_incoming_at, opened_at) VALUES `,
		`(?, 1, ?, 1, 'open', 'contact', 2, ?, ?, ?)`},
	{`INSERT INTO messages (workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content, provider_message_id, status, sent_at, created_at) VALUES `,
		`(1, ?, ?, 1, 'in', 'contact', 'text', ?, '{}', ?, 'received', ?, ?)`,
		`INSERT INTO messages (id, workspace_id, conversation_id, contact_id, channel_id, direction, sender, type, text, content, provider_message_id, status, sent_at, created_at) VALUES `,
		`(?, 1, ?, ?, 1, 'in', 'contact', 'text', ?, '{}', ?, 'received', ?, ?)`},
	{`INSERT INTO events (workspace_id, type, conversation_id, contact_id, seq, payload, created_at) VALUES `, `(1, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO events (id, workspace_id, type, conversation_id, contact_id, seq, payload, created_at) VALUES `, `(?, 1, ?, ?, ?, ?, ?, ?)`},
}

const (
	tContacts = iota
	tIdentities
	tConversations
	tMessages
	tEvents
)

// rawLoop is one raw baseline: a writer connection with its statements
// prepared once, as the server's writer keeps its statements prepared, so
// the loop measures executing statements rather than parsing them.
type rawLoop struct {
	w     *sql.DB
	stmts map[string]*sql.Stmt
}

// prepare prepares q on the writer. It must run outside a transaction: the
// writer has one connection, which a transaction holds.
func (l *rawLoop) prepare(ctx context.Context, q string) error {
	if _, ok := l.stmts[q]; ok {
		return nil
	}
	st, err := l.w.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	l.stmts[q] = st
	return nil
}

func (l *rawLoop) exec(ctx context.Context, tx *sql.Tx, q string, args ...any) error {
	_, err := tx.StmtContext(ctx, l.stmts[q]).ExecContext(ctx, args...)
	return err
}

func (l *rawLoop) id(ctx context.Context, tx *sql.Tx, q string, args ...any) (id int64, err error) {
	err = tx.StmtContext(ctx, l.stmts[q]).QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

// runRaw inserts the rows of n messages into a fresh SQLite file with the
// real schema (001_core.sql, every index) and the server's durability
// settings (WAL, synchronous=FULL), batch messages per transaction, from one
// goroutine. It is the store's speed with no HTTP, no JSON and no reads: a
// naive server doing one transaction per webhook could not beat batch=1.
// multiRow writes each transaction's rows with one multi-row INSERT per
// table, which shows what the per-statement cost is.
func runRaw(ctx context.Context, n, batch int, multiRow bool) (rawResult, error) {
	res := rawResult{Batch: batch, Messages: n, MultiRow: multiRow}
	dir, err := os.MkdirTemp("", "switchboard-raw-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	d, err := db.Open(ctx, db.Config{DataDir: dir}) // applies the migrations
	if err != nil {
		return res, err
	}
	d.Close()
	// The same pragmas as the server's writer connection (internal/db/open_sqlite.go).
	p := url.Values{}
	for _, v := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		p.Add("_pragma", v)
	}
	w, err := sql.Open("sqlite", "file:"+filepath.Join(dir, db.SQLiteFile)+"?"+p.Encode()+"&_txlock=immediate")
	if err != nil {
		return res, err
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	now := time.Now().UnixMilli()
	if _, err := w.ExecContext(ctx, `INSERT INTO workspaces (id, name, created_at) VALUES (1, 'raw', ?)`, now); err != nil {
		return res, err
	}
	if _, err := w.ExecContext(ctx, `INSERT INTO channels (id, workspace_id, type, name, token, created_at) VALUES (1, 1, 'custom', 'raw', 't', ?)`, now); err != nil {
		return res, err
	}
	l := &rawLoop{w: w, stmts: map[string]*sql.Stmt{}}
	for ti, t := range rawTables {
		for _, k := range []int{batch, n % batch} { // full batches and the last one
			q := t.insert + t.row + " RETURNING id"
			if multiRow {
				q = multiRowQuery(t.insertID, t.rowID, k, ti == tEvents)
			}
			if k > 0 {
				if err := l.prepare(ctx, q); err != nil {
					return res, err
				}
			}
		}
	}

	// The server's writer runs its statements under a context that is never
	// cancelled (internal/db/groupcommit.go); so does the loop. Under a
	// cancellable one the driver starts a goroutine per statement to
	// interrupt it, which the server never pays.
	ctx = context.WithoutCancel(ctx)
	start, cpu0 := time.Now(), harness.SelfCPU()
	for i := 0; i < n; i += batch {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return res, err
		}
		if multiRow {
			err = l.insertBatchRows(ctx, tx, i, min(i+batch, n))
		} else {
			for j := i; j < min(i+batch, n) && err == nil; j++ {
				err = l.insertMessageRows(ctx, tx, j)
			}
		}
		if err != nil {
			tx.Rollback()
			return res, fmt.Errorf("raw messages from %d: %w", i, err)
		}
		if err := tx.Commit(); err != nil {
			return res, err
		}
	}
	res.Elapsed, res.CPU = time.Since(start), harness.SelfCPU()-cpu0
	var stored int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages`).Scan(&stored); err != nil || stored != n {
		return res, fmt.Errorf("raw loop stored %d messages of %d (%v)", stored, n, err)
	}
	return res, nil
}

// multiRowQuery is an INSERT of k messages' rows (3k for events, each
// message having three).
func multiRowQuery(insert, row string, k int, events bool) string {
	if events {
		k *= 3
	}
	return insert + strings.TrimSuffix(strings.Repeat(row+",", k), ",")
}

// insertMessageRows writes the rowsPerMessage rows of message i, one
// statement per row.
func (l *rawLoop) insertMessageRows(ctx context.Context, tx *sql.Tx, i int) error {
	q := func(t int) string { return rawTables[t].insert + rawTables[t].row + " RETURNING id" }
	now := time.Now().UnixMilli()
	phone := contactID(i)
	contact, err := l.id(ctx, tx, q(tContacts), phone, now, now, now)
	if err != nil {
		return err
	}
	if _, err := l.id(ctx, tx, q(tIdentities), phone, contact, now); err != nil {
		return err
	}
	conv, err := l.id(ctx, tx, q(tConversations), contact, now, now, now)
	if err != nil {
		return err
	}
	msg, err := l.id(ctx, tx, q(tMessages), conv, contact, "hello from the benchmark", fmt.Sprintf("bench-%d", i), now, now)
	if err != nil {
		return err
	}
	for _, e := range eventRows(contact, conv, msg, phone, now) {
		if _, err := l.id(ctx, tx, q(tEvents), e...); err != nil {
			return err
		}
	}
	return nil
}

// eventRows are the arguments of a message's three events (without ids).
func eventRows(contact, conv, msg int64, phone string, now int64) [][]any {
	return [][]any{
		{"contact.created", nil, contact, 0, fmt.Sprintf(`{"contact_id":%d,"first_name":"Bench","phone":%q,"email":""}`, contact, phone), now},
		{"conversation.opened", conv, contact, 1, fmt.Sprintf(`{"source":"contact","contact_id":%d,"channel_id":1}`, contact), now},
		{"message.received", conv, contact, 2, fmt.Sprintf(`{"message_id":%d,"channel_id":1,"type":"text","text":"hello from the benchmark","sender":"contact"}`, msg), now},
	}
}

// insertBatchRows writes the rows of messages from..to-1 with one INSERT
// per table. Ids are given, not returned: the table is fresh and this loop
// is its only writer, so message j's rows get id j+1 (its events 3j+1..3j+3).
func (l *rawLoop) insertBatchRows(ctx context.Context, tx *sql.Tx, from, to int) error {
	now := time.Now().UnixMilli()
	args := make([][]any, len(rawTables))
	for j := from; j < to; j++ {
		id, phone := int64(j+1), contactID(j)
		args[tContacts] = append(args[tContacts], id, phone, now, now, now)
		args[tIdentities] = append(args[tIdentities], id, phone, id, now)
		args[tConversations] = append(args[tConversations], id, id, now, now, now)
		args[tMessages] = append(args[tMessages], id, id, id, "hello from the benchmark", fmt.Sprintf("bench-%d", j), now, now)
		for k, e := range eventRows(id, id, id, phone, now) {
			args[tEvents] = append(append(args[tEvents], int64(3*j+k+1)), e...)
		}
	}
	for t, table := range rawTables {
		q := multiRowQuery(table.insertID, table.rowID, to-from, t == tEvents)
		if err := l.exec(ctx, tx, q, args[t]...); err != nil {
			return err
		}
	}
	return nil
}
