// Package minimal is the smallest receive pipeline that does what
// switchboard's custom-channel webhook must: HTTP, JSON, a contact upsert
// by channel identity, the contact's open conversation (opened if none),
// the message stored once per provider id, and its events, in SQLite with
// synchronous=FULL and group commit, answering 200 only after the commit.
// No workflows, no routing, no live hub. bench/ingest runs it (the
// command in cmd/minimal) at the same concurrency as `switchboard serve`,
// so the two rates compare on the same machine in the same run.
package minimal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the driver the switchboard server uses
)

// File is the SQLite file the pipeline keeps in its data folder.
const File = "minimal.db"

// schema is the least a receive pipeline needs: contacts found by their
// channel identity, conversations with at most one open per contact,
// messages stored once per provider id, and an event log readable per
// conversation. Only the indexes that hold those invariants, or that an
// inbox needs to list conversations and show one, are kept.
const schema = `
CREATE TABLE IF NOT EXISTS contacts (
	id INTEGER PRIMARY KEY,
	channel_id INTEGER NOT NULL,
	external_id TEXT NOT NULL,
	first_name TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	last_incoming_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_identity ON contacts (channel_id, external_id);
CREATE TABLE IF NOT EXISTS conversations (
	id INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts (id),
	channel_id INTEGER NOT NULL,
	status TEXT NOT NULL,
	last_seq INTEGER NOT NULL,
	opened_at INTEGER NOT NULL,
	last_message_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS conversations_one_open ON conversations (contact_id) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS conversations_inbox ON conversations (status, last_message_at, id);
CREATE TABLE IF NOT EXISTS messages (
	id INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id),
	contact_id INTEGER NOT NULL REFERENCES contacts (id),
	channel_id INTEGER NOT NULL,
	direction TEXT NOT NULL,
	type TEXT NOT NULL,
	text TEXT NOT NULL,
	provider_message_id TEXT NOT NULL,
	sent_at INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_provider_id ON messages (channel_id, direction, provider_message_id);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, id);
CREATE TABLE IF NOT EXISTS events (
	id INTEGER PRIMARY KEY,
	type TEXT NOT NULL,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id),
	contact_id INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	payload TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_conversation ON events (conversation_id, seq);
`

// The statements of one message, prepared once on the writer connection.
// A new contact's message takes five: the redelivery check, the contact
// upsert, the conversation upsert (which says whether it opened one), the
// message and its events in one multi-row INSERT.
const (
	qFindMessage   = `SELECT id, conversation_id, contact_id FROM messages WHERE channel_id = ? AND direction = 'in' AND provider_message_id = ?`
	qUpsertContact = `INSERT INTO contacts (channel_id, external_id, first_name, created_at, last_incoming_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, external_id) DO UPDATE SET last_incoming_at = excluded.last_incoming_at RETURNING id`
	// A conversation is born with last_seq 2 (conversation.opened is 1,
	// the message 2); an existing one gets the next seq, so at least 3.
	qUpsertConversation = `INSERT INTO conversations (contact_id, channel_id, status, last_seq, opened_at, last_message_at) VALUES (?, ?, 'open', 2, ?, ?)
		ON CONFLICT (contact_id) WHERE status = 'open' DO UPDATE SET last_seq = last_seq + 1, last_message_at = excluded.last_message_at
		RETURNING id, last_seq`
	qInsertMessage = `INSERT INTO messages (conversation_id, contact_id, channel_id, direction, type, text, provider_message_id, sent_at, created_at)
		VALUES (?, ?, ?, 'in', ?, ?, ?, ?, ?) RETURNING id`
	eventRow          = `(?, ?, ?, ?, ?, ?)`
	qInsertEvent      = `INSERT INTO events (type, conversation_id, contact_id, seq, payload, created_at) VALUES ` + eventRow
	qInsertEventsOpen = qInsertEvent + `, ` + eventRow
)

var statements = []string{qFindMessage, qUpsertContact, qUpsertConversation, qInsertMessage, qInsertEvent, qInsertEventsOpen}

// Item is one inbound message of a webhook.
type Item struct {
	ChannelID  int64
	ExternalID string
	FirstName  string
	MID        string
	Type, Text string
	SentAt     int64 // Unix ms, the integrator's timestamp (0 when absent)
}

// Result says what became of one item, as the custom channel answers.
type Result struct {
	MessageID      int64 `json:"message_id"`
	ConversationID int64 `json:"conversation_id"`
	ContactID      int64 `json:"contact_id"`
	Duplicate      bool  `json:"duplicate,omitempty"`
	Opened         bool  `json:"opened,omitempty"`
}

// job is one webhook's items waiting for the writer.
type job struct {
	items []Item
	out   []Result
	done  chan error
}

// Store is the pipeline's SQLite file and its one writer goroutine, which
// batches concurrent webhooks into one transaction (group commit) and
// answers each only after that transaction has committed.
type Store struct {
	db       *sql.DB
	stmts    map[string]*sql.Stmt
	jobs     chan *job
	maxBatch int
	closing  chan struct{}
	mu       sync.RWMutex // orders enqueues before close
	closed   bool
	stopped  chan struct{}
}

// ErrClosed answers a webhook that arrives once the store is closing.
var ErrClosed = errors.New("store closed")

// Open opens (creating it if needed) the SQLite file in dir with the
// switchboard writer's pragmas: WAL, synchronous=FULL (every commit is
// fsynced), foreign keys on, and starts the writer.
func Open(ctx context.Context, dir string) (*Store, error) {
	p := url.Values{}
	for _, v := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		p.Add("_pragma", v)
	}
	d, err := sql.Open("sqlite", "file:"+filepath.Join(dir, File)+"?"+p.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(1) // the one writer connection
	d.SetMaxIdleConns(1)
	d.SetConnMaxLifetime(0)
	if _, err := d.ExecContext(ctx, schema); err != nil {
		d.Close()
		return nil, fmt.Errorf("schema: %w", err)
	}
	s := &Store{db: d, stmts: map[string]*sql.Stmt{}, jobs: make(chan *job, 4096), maxBatch: 512,
		closing: make(chan struct{}), stopped: make(chan struct{})}
	for _, q := range statements {
		st, err := d.PrepareContext(ctx, q)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	go s.loop()
	return s, nil
}

// Receive stores a webhook's items and returns once they are committed.
func (s *Store) Receive(ctx context.Context, items []Item) ([]Result, error) {
	j := &job{items: items, out: make([]Result, len(items)), done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	select {
	case s.jobs <- j:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return nil, ctx.Err()
	}
	// Once queued the job may be committing: wait for the outcome.
	return j.out, <-j.done
}

// Close refuses new work, lets the writer finish what is queued, and
// closes the file.
func (s *Store) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	<-s.stopped
	return s.db.Close()
}

func (s *Store) loop() {
	defer close(s.stopped)
	batch := make([]*job, 0, s.maxBatch)
	for {
		var first *job
		select {
		case first = <-s.jobs:
		case <-s.closing:
			for {
				select {
				case j := <-s.jobs:
					s.run([]*job{j})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < s.maxBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		s.run(batch)
	}
}

// run writes a batch in one transaction. If a job fails, the transaction
// is rolled back and each job is run again in a transaction of its own,
// so only the failing one is refused.
func (s *Store) run(batch []*job) {
	err := s.commit(batch)
	if err == nil || len(batch) == 1 {
		for _, j := range batch {
			j.done <- err
		}
		return
	}
	for _, j := range batch {
		j.done <- s.commit([]*job{j})
	}
}

func (s *Store) commit(batch []*job) error {
	ctx := context.Background() // one caller's cancellation must not abort the others' commit
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	for _, j := range batch {
		for i, it := range j.items {
			if j.out[i], err = s.write(ctx, tx, it, now); err != nil {
				tx.Rollback()
				return err
			}
		}
	}
	return tx.Commit()
}

// payloads of the two events.
type openedPayload struct {
	ContactID int64 `json:"contact_id"`
	ChannelID int64 `json:"channel_id"`
}

type receivedPayload struct {
	MessageID int64  `json:"message_id"`
	ChannelID int64  `json:"channel_id"`
	Type      string `json:"type"`
	Text      string `json:"text"`
}

// write stores one message: a redelivery (same channel and provider id)
// is found and not stored again.
func (s *Store) write(ctx context.Context, tx *sql.Tx, it Item, now int64) (r Result, err error) {
	stmt := func(q string) *sql.Stmt { return tx.StmtContext(ctx, s.stmts[q]) }
	err = stmt(qFindMessage).QueryRowContext(ctx, it.ChannelID, it.MID).Scan(&r.MessageID, &r.ConversationID, &r.ContactID)
	if err == nil {
		r.Duplicate = true
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	if err = stmt(qUpsertContact).QueryRowContext(ctx, it.ChannelID, it.ExternalID, it.FirstName, now, now).Scan(&r.ContactID); err != nil {
		return r, fmt.Errorf("contact: %w", err)
	}
	var seq int64
	if err = stmt(qUpsertConversation).QueryRowContext(ctx, r.ContactID, it.ChannelID, now, now).Scan(&r.ConversationID, &seq); err != nil {
		return r, fmt.Errorf("conversation: %w", err)
	}
	r.Opened = seq == 2
	sentAt := it.SentAt
	if sentAt == 0 {
		sentAt = now
	}
	if err = stmt(qInsertMessage).QueryRowContext(ctx, r.ConversationID, r.ContactID, it.ChannelID, it.Type, it.Text, it.MID, sentAt, now).Scan(&r.MessageID); err != nil {
		return r, fmt.Errorf("message: %w", err)
	}
	received, err := json.Marshal(receivedPayload{MessageID: r.MessageID, ChannelID: it.ChannelID, Type: it.Type, Text: it.Text})
	if err != nil {
		return r, err
	}
	if !r.Opened {
		_, err = stmt(qInsertEvent).ExecContext(ctx, "message.received", r.ConversationID, r.ContactID, seq, string(received), now)
		return r, err
	}
	opened, err := json.Marshal(openedPayload{ContactID: r.ContactID, ChannelID: it.ChannelID})
	if err != nil {
		return r, err
	}
	_, err = stmt(qInsertEventsOpen).ExecContext(ctx,
		"conversation.opened", r.ConversationID, r.ContactID, 1, string(opened), now,
		"message.received", r.ConversationID, r.ContactID, 2, string(received), now)
	return r, err
}
