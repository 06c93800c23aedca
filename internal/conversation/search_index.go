package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// The consumers' cursor names.
const (
	SearchConsumerName        = "message_search"
	CommentSearchConsumerName = "comment_search"
)

// textIndex is one of the search indexes of what was written in a
// conversation: the words of each row of source (messages, or internal
// comments), keyed by the row's id, kept from the log's events that carry
// the row's text.
type textIndex struct {
	table  string // the index (migrations 068 and 070)
	key    string // its key column on PostgreSQL; SQLite's is the rowid
	source string // the rows indexed
	// id is the payload member naming the row.
	id     func(p textPayload) int64
	events []event.Type
}

// textPayload is what the indexed events' payloads hold of a row.
type textPayload struct {
	MessageID int64  `json:"message_id"`
	CommentID int64  `json:"comment_id"`
	Text      string `json:"text"`
}

var (
	// messageIndex: a message's arrival, its sending (an echo's too) and a
	// contact's edit of it.
	messageIndex = textIndex{table: "message_search", key: "message_id", source: "messages",
		id: func(p textPayload) int64 { return p.MessageID }, events: []event.Type{event.MessageReceived, event.MessageSent, event.MessageEdited}}
	// commentIndex: a comment written, and edited (a deleted one leaves
	// with its row; its earlier events are erased of their text).
	commentIndex = textIndex{table: "comment_search", key: "comment_id", source: "comments",
		id: func(p textPayload) int64 { return p.CommentID }, events: []event.Type{event.CommentCreated, event.CommentEdited}}
)

// NewSearchConsumer returns the consumer that keeps the message-search
// index (migration 068) from the log, from its first event, so that a
// store upgraded with messages already in it has them indexed too. It
// indexes after the commit that stored a message, not in it: the receive
// path, which the single SQLite writer runs for every webhook, pays
// nothing for search, and a batch of the consumer indexes hundreds of
// messages in one statement.
func NewSearchConsumer(d *db.DB, hub *event.Hub, g *background.Group) *event.Consumer {
	return messageIndex.consumer(d, hub, g, SearchConsumerName)
}

// NewCommentSearchConsumer returns the consumer that keeps the internal
// comments' index (migration 070) the same way.
func NewCommentSearchConsumer(d *db.DB, hub *event.Hub, g *background.Group) *event.Consumer {
	return commentIndex.consumer(d, hub, g, CommentSearchConsumerName)
}

func (ix textIndex) consumer(d *db.DB, hub *event.Hub, g *background.Group, name string) *event.Consumer {
	return event.NewConsumer(d, hub, g, event.ConsumerConfig{
		Name: name, Types: ix.events, FromStart: true, Batch: 512,
		// It writes only the index, once per row (the cursor orders it
		// with itself): no exclusive write.
		Concurrent: true,
		Handle:     ix.write,
	})
}

// indexMessages is the message index's writer, which its tests call.
var indexMessages = messageIndex.write

// write puts the words of the batch's rows into the index, replacing what
// an earlier version of a row (before an edit) left. A row deleted since
// its event (a message's contact erased, a comment deleted) is passed over.
func (ix textIndex) write(ctx context.Context, tx *db.Tx, events []event.Event) error {
	var p textPayload
	latest := map[int64]string{} // the newest text of each row the batch names
	var order []int64
	for _, e := range events {
		p = textPayload{}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("conversation: %s: event %d: %w", ix.table, e.ID, err)
		}
		id := ix.id(p)
		if id == 0 {
			continue
		}
		if _, seen := latest[id]; !seen {
			order = append(order, id)
		}
		latest[id] = strings.Join(knowledge.Words(p.Text), " ")
	}
	if tx.Dialect() == db.Postgres {
		// One statement whatever the batch: the pairs as two arrays. (One
		// text per row: PostgreSQL refuses a statement updating a row twice.)
		terms := make([]string, len(order))
		for i, id := range order {
			terms[i] = latest[id]
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+ix.table+` (`+ix.key+`, terms)
			SELECT r.id, to_tsvector('simple', w.terms) FROM unnest(?::bigint[], ?::text[]) AS w (id, terms) JOIN `+ix.source+` r ON r.id = w.id
			ON CONFLICT (`+ix.key+`) DO UPDATE SET terms = EXCLUDED.terms`, order, terms)
		return err
	}
	return db.Chunked(len(order), func(from, size int) error {
		ids := order[from : from+size]
		args := make([]any, 0, 2*len(ids))
		for _, id := range ids {
			args = append(args, id, latest[id])
		}
		// A multi-row VALUES names its columns column1, column2.
		_, err := tx.Exec(ctx, `INSERT OR REPLACE INTO `+ix.table+` (rowid, terms)
			SELECT r.id, w.column2 FROM (VALUES `+db.Rows("(?, ?)", len(ids))+`) AS w JOIN `+ix.source+` r ON r.id = w.column1`, args...)
		return err
	})
}
