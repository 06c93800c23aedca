package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A phone or email one contact gave while another held it (a workflow's
// answer: see SuggestMergeTx) cannot be on both, so the suggestions found
// in the contacts themselves missed the pair. It is listed with them,
// once however often it is recorded, until the two are merged; never for
// a test contact.
func TestMergeSuggestionsOfAValueHeldElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		holder, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Ada"), Email: ptr("ada@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		gave := f.receive(t, f.chA, "tg-1", "1", contact.Input{FirstName: ptr("Lovelace")}).ContactID
		test := f.receive(t, f.chA, "tg-2", "2", contact.Input{FirstName: ptr("Test")}).ContactID
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = ?`, test)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		suggest := func(a, b int64) bool {
			t.Helper()
			var suggested bool
			if err := d.Write(ctx, func(tx *db.Tx) error {
				held, err := contact.HolderTx(ctx, tx, f.ws, a, "email", "ada@example.com")
				if err != nil || held != b {
					t.Fatalf("holder of ada@example.com for %d: %d, %v; want %d", a, held, err, b)
				}
				suggested, err = contact.SuggestMergeTx(ctx, tx, f.ws, a, b, "email", "ada@example.com")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return suggested
		}
		// Twice: the pair is recorded once (the list below holds it once).
		first, again, tested := suggest(gave, holder.ID), suggest(gave, holder.ID), suggest(test, holder.ID)
		if !first || !again || tested {
			t.Fatal("suggested: want twice the real contact, never the test contact")
		}
		got, err := f.svc.MergeSuggestions(ctx, f.system)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].A.ID != holder.ID || got[0].B.ID != gave || got[0].Reason != "email" || got[0].Value != "ada@example.com" {
			t.Fatalf("suggestions %+v, want %d+%d by email", got, holder.ID, gave)
		}
		// The holder holds its own value: no other contact does.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			held, err := contact.HolderTx(ctx, tx, f.ws, holder.ID, "email", "ada@example.com")
			if held != 0 {
				t.Errorf("the holder's own value is held by %d", held)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Merge(ctx, f.system, holder.ID, contact.MergeInput{From: gave}); err != nil {
			t.Fatal(err)
		}
		if got, err := f.svc.MergeSuggestions(ctx, f.system); err != nil || len(got) != 0 {
			t.Fatalf("after the merge: suggestions %+v, %v", got, err)
		}
	})
}

// A recorded pair stands for a value one of the two holds and the other
// gave. Once neither holds it (the holder changed or cleared it) nothing
// links them any more and the pair is not listed; it is again while
// either holds the value (the one that gave it took it once it was free).
func TestMergeHintOfAValueNoOneHoldsIsNotListed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		holder, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Ada"), Email: ptr("ada@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		gave, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Lovelace")})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := contact.SuggestMergeTx(ctx, tx, f.ws, gave.ID, holder.ID, "email", "ada@example.com")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			name   string
			id     int64
			email  string
			listed bool
		}{
			{"the holder changes its email", holder.ID, "ada@lovelace.org", false},
			{"the holder clears it", holder.ID, "", false},
			{"the one that gave it takes it", gave.ID, "ada@example.com", true},
			{"and drops it again", gave.ID, "lovelace@example.com", false},
		} {
			if _, err := f.svc.Update(ctx, f.system, step.id, contact.Input{Email: ptr(step.email)}); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			got, err := f.svc.MergeSuggestions(ctx, f.system)
			if err != nil {
				t.Fatal(err)
			}
			if listed := len(got) == 1 && got[0].Reason == "email" && got[0].Value == "ada@example.com"; listed != step.listed || len(got) > 1 {
				t.Errorf("%s: suggestions %+v, want the recorded pair listed: %v", step.name, got, step.listed)
			}
		}
	})
}
