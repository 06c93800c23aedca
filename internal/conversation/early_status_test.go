package conversation

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// recordSend stores the provider's id of reply m and moves it to sent, as
// the record of its send does (internal/outbound).
func (f *fixture) recordSend(ctx context.Context, m Message, providerID string) error {
	return f.db.WriteConcurrent(db.WithRows(ctx, "conversations", m.ConversationID), func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE messages SET provider_message_id = ? WHERE id = ?`, providerID, m.ID); err != nil {
			return err
		}
		_, err := SetStatusTx(ctx, tx, m.ID, MsgSent, "")
		return err
	})
}

// lookAgain runs the timed work of kept reports once, at the clock's time,
// and returns when it asks to run next (zero: nothing kept).
func (f *fixture) lookAgain(t *testing.T) time.Time {
	t.Helper()
	next, err := f.svc.earlyStatusDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// A provider reports "delivered" on a reply before the record of its
// send has stored the provider's id. The report is acknowledged and kept;
// once the record lands, the next look applies it, in order after the
// record's "sent", and forgets it.
func TestEarlyStatusAppliedOnceItsSendIsRecorded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		m := f.replyInNew(t, "+14155550192", "Hello!")
		got, err := f.svc.Receive(ctx, []Inbound{f.statusReport("wamid.192", MsgDelivered)})
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Ignored != ignoredEarly {
			t.Fatalf("the early report: %+v, want it kept (%q)", got[0], ignoredEarly)
		}
		if err := f.recordSend(ctx, m, "wamid.192"); err != nil {
			t.Fatal(err)
		}
		if next := f.lookAgain(t); !next.Equal(f.clock.Now().Add(earlyStatusFirstLook)) {
			t.Fatalf("looked again before the report was due; next look at %v, want in %v", next, earlyStatusFirstLook)
		}
		if st := f.message(t, m.ID).Status; st != MsgSent {
			t.Fatalf("message is %s before the report's look, want sent", st)
		}
		f.clock.Advance(earlyStatusFirstLook)
		if next := f.lookAgain(t); !next.IsZero() {
			t.Fatalf("next look at %v once the report was applied, want none", next)
		}
		got1 := f.message(t, m.ID)
		var history []string
		for _, h := range got1.History {
			history = append(history, h.Status)
		}
		if got1.Status != MsgDelivered || !slices.Equal(history, []string{MsgPending, MsgSent, MsgDelivered}) {
			t.Fatalf("message is %s with history %v, want delivered after pending and sent", got1.Status, history)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM early_statuses`); n != 0 {
			t.Fatalf("%d reports still kept after applying them", n)
		}
	})
}

// A report of a message that never comes (sent by something else on the
// same number) is looked at again after 1 s, then after twice as long
// each time, and forgotten after earlyStatusKeep: a dozen looks, then the
// work sleeps until told.
func TestEarlyStatusForgottenAfterItsKeep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		start := f.clock.Now()
		if _, err := f.svc.Receive(ctx, []Inbound{f.statusReport("wamid.elsewhere", MsgRead)}); err != nil {
			t.Fatal(err)
		}
		looks := 0
		for next := f.lookAgain(t); !next.IsZero(); next = f.lookAgain(t) {
			if looks++; looks > 12 {
				t.Fatalf("still looking after %d looks, at %v", looks, f.clock.Now().Sub(start))
			}
			f.clock.Set(next)
		}
		if kept := f.clock.Now().Sub(start); kept != earlyStatusKeep {
			t.Fatalf("forgotten after %v, want %v", kept, earlyStatusKeep)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM early_statuses`); n != 0 {
			t.Fatalf("%d reports still kept", n)
		}
	})
}

// Two nodes' passes may read the same kept report. On PostgreSQL each
// claims the row before applying it; a row another pass holds is left to
// it, not waited for (a pass holds its batch's rows while it applies
// them) and not applied twice. Here the test holds the row as the other
// pass would: this node's pass must go past it and change nothing, and
// apply it once the other pass has let go without applying it.
func TestEarlyStatusHeldByAnotherPassIsLeftToIt(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	m := f.replyInNew(t, "+14155550193", "Hello!")
	if _, err := f.svc.Receive(ctx, []Inbound{f.statusReport("wamid.193", MsgDelivered)}); err != nil {
		t.Fatal(err)
	}
	if err := f.recordSend(ctx, m, "wamid.193"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(earlyStatusFirstLook)
	kept := int64(dbtest.Count(t, f.db, `SELECT id FROM early_statuses`))

	other := dbtest.HoldRows(t, raw, "early_statuses", "id", kept)
	err := dbtest.NeverWaits(t, raw, "a pass over a report another pass holds", func() { other.Rollback() }, func() error {
		_, err := f.svc.earlyStatusDue(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := f.message(t, m.ID).Status; st != MsgSent {
		t.Fatalf("message is %s after a pass over a report another pass held, want sent", st)
	}
	if n := dbtest.Count(t, f.db, `SELECT COUNT(*) FROM early_statuses WHERE check_at <= ?`, f.db.Now()); n != 1 {
		t.Fatalf("%d reports due after the pass that left it, want 1 (neither applied nor moved)", n)
	}

	if err := other.Rollback(); err != nil {
		t.Fatal(err)
	}
	if next := f.lookAgain(t); !next.IsZero() {
		t.Fatalf("next look at %v once the report was applied, want none", next)
	}
	got := f.message(t, m.ID)
	if got.Status != MsgDelivered || len(got.History) != 3 {
		t.Fatalf("message is %s with %d history rows, want delivered once after pending and sent", got.Status, len(got.History))
	}
}
