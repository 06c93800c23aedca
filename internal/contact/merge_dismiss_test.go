package contact_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A pair dismissed as not one person is never suggested again, whatever
// reason paired it (the same phone, email or name, or a value a workflow
// recorded), and a workflow's answer no longer records it; the other
// pairs stay, and the dismissal goes with either contact.
func TestDismissedMergeSuggestionsAreNeverListedAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		p1, p2, e1, e2 := f.phoneAndEmailPairs(t)
		n1 := f.receive(t, f.chA, "n-1", "5", contact.Input{FirstName: ptr("Grace"), LastName: ptr("Hopper")}).ContactID
		n2 := f.receive(t, f.chB, "n-2", "6", contact.Input{FirstName: ptr("grace"), LastName: ptr("hopper")}).ContactID
		h1, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Ada"), Email: ptr("ada@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		h2, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Lovelace")})
		if err != nil {
			t.Fatal(err)
		}
		suggest := func() bool {
			t.Helper()
			var ok bool
			if err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				ok, err = contact.SuggestMergeTx(ctx, tx, f.ws, h2.ID, h1.ID, "email", "ada@example.com")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !suggest() {
			t.Fatal("the recorded pair is not suggested")
		}
		listed := func() map[string]bool {
			t.Helper()
			got, err := f.svc.MergeSuggestions(ctx, f.system)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, s := range got {
				out[s.Reason+":"+s.Value] = true
			}
			return out
		}
		if got := listed(); len(got) != 4 {
			t.Fatalf("before any dismissal: %v, want 4 pairs", got)
		}
		for _, c := range []struct {
			name string
			a, b int64 // in either order
			gone string
		}{
			{"the same phone", p2, p1, "phone:+33612345678"},
			{"the same email", e1, e2, "email:eve@example.com"},
			{"the same name", n1, n2, "name:grace hopper"},
			{"a recorded value", h1.ID, h2.ID, "email:ada@example.com"},
		} {
			before := listed()
			if !before[c.gone] {
				t.Fatalf("%s: %q not listed before its dismissal: %v", c.name, c.gone, before)
			}
			for range 2 { // twice: no change the second time
				if err := f.svc.DismissMergeSuggestion(ctx, f.system, contact.DismissInput{A: c.a, B: c.b}); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
			}
			after := listed()
			if after[c.gone] || len(after) != len(before)-1 {
				t.Errorf("%s dismissed: %v, want %v without %q", c.name, after, before, c.gone)
			}
		}
		if suggest() {
			t.Error("a workflow's answer suggests a dismissed pair again")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_merge_dismissals`); n != 4 {
			t.Fatalf("dismissals = %d, want 4", n)
		}
		if err := f.svc.Delete(ctx, f.system, p1); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Merge(ctx, f.system, e1, contact.MergeInput{From: e2}); err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_merge_dismissals`); n != 2 {
			t.Errorf("dismissals after a delete and a merge = %d, want 2", n)
		}
	})
}

// Deciding a merge suggestion, either way ("Not a duplicate" or "Suggest
// again"), needs delete_contacts and two distinct contacts of the
// workspace; a refusal changes nothing.
func TestDecidingMergeSuggestionRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		a, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("A")})
		b, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("B")})
		c, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("C")})
		other, err := workspace.New(d).Create(ctx, "Elsewhere", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := f.svc.Create(ctx, other.ID, contact.Input{FirstName: ptr("F")})
		if err != nil {
			t.Fatal(err)
		}
		// a and c are dismissed already, so that a restore has one to take back.
		if err := f.svc.DismissMergeSuggestion(ctx, f.system, contact.DismissInput{A: a.ID, B: c.ID}); err != nil {
			t.Fatal(err)
		}
		agent := access.Principal{WorkspaceID: f.ws, UserID: 99, Role: access.RoleAgent, Can: access.Permissions{SeeAllConversations: true}}
		decisions := map[string]func(context.Context, contact.Principal, contact.DismissInput) error{
			"dismiss": f.svc.DismissMergeSuggestion, "restore": f.svc.RestoreMergeSuggestion}
		for _, tc := range []struct {
			name string
			p    access.Principal
			in   contact.DismissInput
			kind apperr.Kind
		}{
			{"agent without delete_contacts", agent, contact.DismissInput{A: a.ID, B: c.ID}, apperr.KindForbidden},
			{"no a", f.system, contact.DismissInput{B: b.ID}, apperr.KindInvalid},
			{"no b", f.system, contact.DismissInput{A: a.ID}, apperr.KindInvalid},
			{"the same contact twice", f.system, contact.DismissInput{A: a.ID, B: a.ID}, apperr.KindInvalid},
			{"a missing contact", f.system, contact.DismissInput{A: a.ID, B: 12345}, apperr.KindNotFound},
			{"another workspace's contact", f.system, contact.DismissInput{A: a.ID, B: foreign.ID}, apperr.KindNotFound},
		} {
			for name, decide := range decisions {
				err := decide(ctx, tc.p, tc.in)
				var e *apperr.Error
				if !errors.As(err, &e) || e.Kind != tc.kind {
					t.Errorf("%s %s: %v, want kind %v", name, tc.name, err, tc.kind)
				}
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_merge_dismissals WHERE contact_id = ? AND other_id = ?`, a.ID, c.ID); n != 1 {
			t.Errorf("after refused decisions the one dismissal is %d rows", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_merge_dismissals`); n != 1 {
			t.Errorf("a refused dismissal was recorded: %d rows", n)
		}
	})
}

// phoneAndEmailPairs makes two pairs the merge suggestions pair: the same
// phone in two forms (p1, p2) and the same email in two cases (e1, e2),
// each pair written from two channels.
func (f *mergeFixture) phoneAndEmailPairs(t *testing.T) (p1, p2, e1, e2 int64) {
	t.Helper()
	p1 = f.receive(t, f.chA, "+33612345678", "1", contact.Input{FirstName: ptr("Paul")}).ContactID
	p2 = f.receive(t, f.chB, "0612345678", "2", contact.Input{FirstName: ptr("P")}).ContactID
	e1 = f.receive(t, f.chA, "e-1", "3", contact.Input{FirstName: ptr("Eve"), Email: ptr("eve@example.com")}).ContactID
	e2 = f.receive(t, f.chB, "EVE@Example.com", "4", contact.Input{FirstName: ptr("Evie")}).ContactID
	return p1, p2, e1, e2
}

// A decision on a merge suggestion that changes something is in both
// contacts' timelines, each naming the other and who decided: "not a
// duplicate", then "suggest again"; deciding the same again records
// nothing, and a refused decision (above) nothing either.
func TestDecidingMergeSuggestionIsInBothTimelines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		a, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("A")})
		b, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("B")})
		owner, err := workspace.New(d).CreateUser(ctx, f.ws, workspace.NewUser{Email: "olga@example.com", Name: "Olga", Role: workspace.RoleOwner})
		if err != nil {
			t.Fatal(err)
		}
		as := access.Principal{WorkspaceID: f.ws, UserID: owner.ID, Role: access.RoleOwner}
		decided := func(typ string) string {
			t.Helper()
			const of = ` FROM events WHERE type = ? ORDER BY id`
			ids, payloads := dbtest.Column[int64](t, d, `SELECT contact_id`+of, typ), dbtest.Column[string](t, d, `SELECT payload`+of, typ)
			var out []string
			for i, raw := range payloads {
				var p struct {
					ContactID int64 `json:"contact_id"`
					OtherID   int64 `json:"other_id"`
					UserID    int64 `json:"user_id"`
				}
				if err := json.Unmarshal([]byte(raw), &p); err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%d:%d/%d by %d", ids[i], p.ContactID, p.OtherID, p.UserID))
			}
			return strings.Join(out, " ")
		}
		want := fmt.Sprintf("%d:%d/%d by %d %d:%d/%d by %d", a.ID, a.ID, b.ID, owner.ID, b.ID, b.ID, a.ID, owner.ID)
		for range 2 {
			if err := f.svc.DismissMergeSuggestion(ctx, as, contact.DismissInput{A: b.ID, B: a.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if got := decided("contact.merge.dismissed"); got != want {
			t.Errorf("dismissed (twice): %q, want %q", got, want)
		}
		for range 2 {
			if err := f.svc.RestoreMergeSuggestion(ctx, as, contact.DismissInput{A: a.ID, B: b.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if got := decided("contact.merge.restored"); got != want {
			t.Errorf("restored (twice): %q, want %q", got, want)
		}
	})
}
