package conversation

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Each batched path of a receive batch tells the auto-close runner of the
// deadlines it arms (db.Tx.Due), as receiveTx does: the runner sleeps
// until the earliest deadline it was told of, so a deadline written and
// not told would pass unnoticed until something else woke it. The
// comparison tests (TestReceiveGroupKnownContactsAsAlone) check the rows,
// not what the runner hears, hence this test. On both stores, for each
// path alone: new contacts' first messages, known contacts' next ones,
// and returning contacts' (whose conversation was closed).
func TestReceiveBatchArmsAutoClose(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for _, senders := range []string{"new", "known", "returning"} {
			t.Run(string(dialect)+"/"+senders, func(t *testing.T) {
				batchArmsAutoClose(t, dialect, senders)
			})
		}
	}
}

func batchArmsAutoClose(t *testing.T, dialect db.Dialect, senders string) {
	ctx := context.Background()
	d := dbtest.Open(t, dialect)
	f := newFixture(t, d)
	f.autoClose(t, 60, false)
	external := make([]string, minBatched) // enough for the batched paths
	for i := range external {
		external[i] = "ext-" + string(rune('a'+i))
		if senders == "new" {
			continue
		}
		r, err := f.svc.Receive(ctx, []Inbound{f.inbound(external[i], external[i]+"-0", "before")})
		if err != nil {
			t.Fatal(err)
		}
		if senders == "returning" {
			if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r[0].ConversationID, CloseInput{Source: SourceUser}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.clock.Advance(time.Minute) // the batch's deadline differs from those armed before

	var mu sync.Mutex
	var told []int64
	d.OnDue(DueAutoClose, func(at int64) { mu.Lock(); told = append(told, at); mu.Unlock() })
	hooks := make([][]Inbound, len(external))
	for i, e := range external {
		hooks[i] = []Inbound{f.inbound(e, e+"-1", "hello")}
	}
	outs := writeAsBatch(t, d, hooks)
	for i, out := range outs {
		if opened := senders != "known"; out[0].Opened != opened {
			t.Fatalf("webhook %d: opened %v, want %v (the path under test was not taken)", i, out[0].Opened, opened)
		}
	}

	want := f.clock.Now().Add(time.Hour).UnixMilli()
	armed := dbtest.Column[int64](t, d, `SELECT auto_close_at FROM conversations WHERE status <> 'closed' ORDER BY id`)
	if len(armed) != len(external) || slices.ContainsFunc(armed, func(at int64) bool { return at != want }) {
		t.Fatalf("open conversations' deadlines %v, want %d each", armed, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(told, []int64{want}) {
		t.Fatalf("the runner was told %v, want [%d] (the batch's deadline, once for its one commit)", told, want)
	}
}

// In awaiting_contact mode each batched path leaves a conversation a
// contact's message opens unarmed and disarms one an agent's reply had
// armed, as receiveTx does.
func TestReceiveBatchAwaitingContact(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		for _, senders := range []string{"new", "known", "returning"} {
			t.Run(string(dialect)+"/"+senders, func(t *testing.T) {
				batchAwaitingContact(t, dialect, senders)
			})
		}
	}
}

func batchAwaitingContact(t *testing.T, dialect db.Dialect, senders string) {
	ctx := context.Background()
	d := dbtest.Open(t, dialect)
	f := newFixture(t, d)
	f.autoCloseMode(t, 60, workspace.AutoCloseAwaitingContact)
	external := make([]string, minBatched) // enough for the batched paths
	for i := range external {
		external[i] = "ext-" + string(rune('a'+i))
		if senders == "new" {
			continue
		}
		r, err := f.svc.Receive(ctx, []Inbound{f.inbound(external[i], external[i]+"-0", "before")})
		if err != nil {
			t.Fatal(err)
		}
		f.sendAs(t, r[0].ConversationID, external[i], "agent")
		if senders == "returning" {
			if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r[0].ConversationID, CloseInput{Source: SourceUser}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if senders == "known" {
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE auto_close_at > 0`); n != len(external) {
			t.Fatalf("%d conversations armed by the agents' replies, want %d", n, len(external))
		}
	}
	f.clock.Advance(time.Minute)
	hooks := make([][]Inbound, len(external))
	for i, e := range external {
		hooks[i] = []Inbound{f.inbound(e, e+"-1", "hello")}
	}
	outs := writeAsBatch(t, d, hooks)
	for i, out := range outs {
		if opened := senders != "known"; out[0].Opened != opened {
			t.Fatalf("webhook %d: opened %v, want %v (the path under test was not taken)", i, out[0].Opened, opened)
		}
	}
	armed := dbtest.Column[int64](t, d, `SELECT auto_close_at FROM conversations WHERE status <> 'closed' ORDER BY id`)
	if len(armed) != len(external) || slices.ContainsFunc(armed, func(at int64) bool { return at != 0 }) {
		t.Fatalf("open conversations' deadlines %v, want none armed", armed)
	}
}
