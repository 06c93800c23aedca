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

// SearchConsumerName keys the message-search consumer's cursor.
const SearchConsumerName = "message_search"

// searchEvents are the events that say a message's text: its arrival,
// its sending (an echo's too) and a contact's edit of it.
var searchEvents = []event.Type{event.MessageReceived, event.MessageSent, event.MessageEdited}

// NewSearchConsumer returns the consumer that keeps the message-search
// index (migration 068) from the log, from its first event, so that a
// store upgraded with messages already in it has them indexed too. It
// indexes after the commit that stored a message, not in it: the receive
// path, which the single SQLite writer runs for every webhook, pays
// nothing for search, and a batch of the consumer indexes hundreds of
// messages in one statement.
func NewSearchConsumer(d *db.DB, hub *event.Hub, g *background.Group) *event.Consumer {
	return event.NewConsumer(d, hub, g, event.ConsumerConfig{
		Name: SearchConsumerName, Types: searchEvents, FromStart: true, Batch: 512,
		// It writes only the index, once per message (the cursor orders
		// it with itself): no exclusive write.
		Concurrent: true,
		Handle:     indexMessages,
	})
}

// indexMessages writes the words of the batch's messages into the index,
// replacing what an earlier version of a message (before an edit) left.
// A message deleted since its event (its contact erased) is passed over.
func indexMessages(ctx context.Context, tx *db.Tx, events []event.Event) error {
	var p struct {
		MessageID int64  `json:"message_id"`
		Text      string `json:"text"`
	}
	latest := map[int64]string{} // the newest text of each message the batch names
	var order []int64
	for _, e := range events {
		p.MessageID, p.Text = 0, ""
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("conversation: search index: event %d: %w", e.ID, err)
		}
		if p.MessageID == 0 {
			continue
		}
		if _, seen := latest[p.MessageID]; !seen {
			order = append(order, p.MessageID)
		}
		latest[p.MessageID] = strings.Join(knowledge.Words(p.Text), " ")
	}
	if tx.Dialect() == db.Postgres {
		// One statement whatever the batch: the pairs as two arrays.
		terms := make([]string, len(order))
		for i, id := range order {
			terms[i] = latest[id]
		}
		_, err := tx.Exec(ctx, `INSERT INTO message_search (message_id, terms)
			SELECT m.id, to_tsvector('simple', w.terms) FROM unnest(?::bigint[], ?::text[]) AS w (id, terms) JOIN messages m ON m.id = w.id
			ON CONFLICT (message_id) DO UPDATE SET terms = EXCLUDED.terms`, order, terms)
		return err
	}
	return db.Chunked(len(order), func(from, size int) error {
		ids := order[from : from+size]
		args := make([]any, 0, 2*len(ids))
		for _, id := range ids {
			args = append(args, id, latest[id])
		}
		// A multi-row VALUES names its columns column1, column2.
		_, err := tx.Exec(ctx, `INSERT OR REPLACE INTO message_search (rowid, terms)
			SELECT m.id, w.column2 FROM (VALUES `+db.Rows("(?, ?)", len(ids))+`) AS w JOIN messages m ON m.id = w.column1`, args...)
		return err
	})
}
