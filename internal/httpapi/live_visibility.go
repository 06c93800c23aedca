package httpapi

import (
	"context"
	"fmt"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// holders is a node's shared read of who holds the conversations and
// contacts the live streams are about to deliver. Every restricted stream
// decides visibility on the holders as they are when the batch is
// delivered; asked one stream at a time, that was one query per socket for
// every batch the tail hands out, so a node with a hundred agents connected
// ran a hundred queries per commit it heard of. The streams of a node now
// share one read per batch and decide in Go (access.SeesConversation and
// access.SeesContact, the twins of the SQL scopes). The 3-node proof at
// size showed the contacts' events still asked one stream at a time (a
// contact's update, its new conversation's contact event) as PostgreSQL's
// most frequent statement, about 60 per conversation and more of its time
// than any other read: they now share the read too, and events of neither
// a conversation nor a contact (presence, settings) need none.
//
// A holder read after the event with id M was handed out is at least as new
// as M's commit, so it may decide any batch whose events are all ≤ M: that
// is its stamp. Decisions never use a read older than the batch's newest
// event, which is exactly what one query per stream gave.
type holders struct {
	mu       sync.Mutex
	convs    stampedMemo[[]access.Holding] // conversation id → its assignee and team (none: gone)
	contacts stampedMemo[[]access.Holding] // contact id → its conversations' distinct holders
	inflight map[int64]*holderRead
}

// holdings is one batch's holders, read or remembered.
type holdings struct {
	convs, contacts map[int64][]access.Holding
}

// holderRead is one read in flight; the streams handed the same batch
// wait for it instead of running their own.
type holderRead struct {
	done chan struct{}
	err  error
}

// holdersKept bounds the memo: past it, the memo starts again (entries are
// only worth keeping for the batch being delivered).
const holdersKept = 20000

func newHolders() *holders {
	return &holders{convs: stampedMemo[[]access.Holding]{}, contacts: stampedMemo[[]access.Holding]{}, inflight: map[int64]*holderRead{}}
}

// visible keeps the events of list that p may see now, in order: an event
// of a conversation when p sees the conversation or the event took it
// from p; an event of a contact
// alone when p sees the contact (the event log's visibility rule, decided
// on the shared read: a contact that is gone has no conversation left, so its
// contact.deleted reaches everyone who may have shown it); any other event
// always.
func (h *holders) visible(ctx context.Context, q db.Querier, p access.Principal, list []event.Event) ([]event.Event, error) {
	if p.Unrestricted() || len(list) == 0 {
		return list, nil
	}
	var stamp int64
	var convs, contacts []int64
	for _, e := range list {
		stamp = max(stamp, e.ID)
		switch {
		case e.ConversationID != 0:
			convs = append(convs, e.ConversationID)
		case e.ContactID != 0:
			contacts = append(contacts, e.ContactID)
		}
	}
	known, err := h.lookup(ctx, q, stamp, convs, contacts)
	if err != nil {
		return nil, err
	}
	out := list[:0:0]
	for _, e := range list {
		switch {
		case e.ConversationID != 0:
			// A conversation has one holding, none once it is gone. The
			// event that took it from p reaches p too (event.TakenFrom).
			c := known.convs[e.ConversationID]
			if (len(c) == 0 || !p.SeesConversation(c[0].Assignee, c[0].Team)) && event.TakenFrom(e) != p.UserID {
				continue
			}
		case e.ContactID != 0:
			if !p.SeesContact(known.contacts[e.ContactID]) {
				continue
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// lookup returns the holders of convs and contacts read no earlier than the
// batch whose newest event is stamp: from the memo when a stream handed the
// same batch (or a later one) read them, else with one read, shared with
// the streams asking for the same stamp meanwhile.
func (h *holders) lookup(ctx context.Context, q db.Querier, stamp int64, convs, contacts []int64) (holdings, error) {
	for attempt := 0; ; attempt++ {
		out := holdings{convs: make(map[int64][]access.Holding, len(convs)), contacts: make(map[int64][]access.Holding, len(contacts))}
		h.mu.Lock()
		missingConvs := h.convs.fresh(stamp, convs, out.convs)
		missingContacts := h.contacts.fresh(stamp, contacts, out.contacts)
		if len(missingConvs) == 0 && len(missingContacts) == 0 {
			h.mu.Unlock()
			return out, nil
		}
		if r := h.inflight[stamp]; r != nil && attempt == 0 {
			// Another stream reads this batch now: wait, then take what it
			// read and query only what it did not cover.
			h.mu.Unlock()
			select {
			case <-r.done:
			case <-ctx.Done():
				return holdings{}, ctx.Err()
			}
			continue
		}
		r := &holderRead{done: make(chan struct{})}
		h.inflight[stamp] = r
		h.mu.Unlock()

		readConvs, err := readHoldings(ctx, q, "id", missingConvs)
		var readContacts map[int64][]access.Holding
		if err == nil {
			readContacts, err = readHoldings(ctx, q, "contact_id", missingContacts)
		}
		h.mu.Lock()
		if err == nil {
			if len(h.convs)+len(h.contacts) > holdersKept {
				h.convs, h.contacts = stampedMemo[[]access.Holding]{}, stampedMemo[[]access.Holding]{}
			}
			h.convs.keep(stamp, missingConvs, readConvs, out.convs)
			h.contacts.keep(stamp, missingContacts, readContacts, out.contacts)
		}
		delete(h.inflight, stamp)
		r.err = err
		close(r.done)
		h.mu.Unlock()
		return out, err
	}
}

// stampedMemo remembers values read for ids, each with the stamp of the
// batch it was read for.
type stampedMemo[V any] map[int64]stamped[V]

type stamped[V any] struct {
	v     V
	stamp int64
}

// fresh puts into out the values of ids known at stamp or later and
// returns the others, once each. h.mu is held.
func (m stampedMemo[V]) fresh(stamp int64, ids []int64, out map[int64]V) []int64 {
	var missing []int64
	asked := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if asked[id] {
			continue
		}
		asked[id] = true
		if c, ok := m[id]; ok && c.stamp >= stamp {
			out[id] = c.v
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// keep records what was read for ids at stamp (the zero value for an id
// the read did not find: it is gone), unless a newer read is already
// known, and puts it into out. h.mu is held.
func (m stampedMemo[V]) keep(stamp int64, ids []int64, read map[int64]V, out map[int64]V) {
	for _, id := range ids {
		v := read[id]
		if old, ok := m[id]; !ok || old.stamp <= stamp {
			m[id] = stamped[V]{v: v, stamp: stamp}
		}
		out[id] = v
	}
}

// readHoldings reads the distinct assignee and team pairs of the
// conversations whose column (id, or contact_id) is one of ids, one query:
// a conversation's one pair, a contact's conversations' pairs. An id with
// no conversation (gone, or a contact without any) is absent.
func readHoldings(ctx context.Context, q db.Querier, column string, ids []int64) (map[int64][]access.Holding, error) {
	out := make(map[int64][]access.Holding, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT DISTINCT `+column+`, COALESCE(assignee_id, 0), COALESCE(team_id, 0)
		FROM conversations WHERE `+column+` IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("live: holders by %s: %w", column, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var held access.Holding
		if err := rows.Scan(&id, &held.Assignee, &held.Team); err != nil {
			return nil, fmt.Errorf("live: holders by %s: %w", column, err)
		}
		out[id] = append(out[id], held)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("live: holders by %s: %w", column, err)
	}
	return out, nil
}
