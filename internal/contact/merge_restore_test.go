package contact_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A dismissed pair is listed with who dismissed it and when, newest
// first, and "Suggest again" takes the dismissal back: the pair is a
// merge suggestion again, and restoring twice is no change.
func TestMergeDismissalsAreListedAndRestored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		p1, p2, e1, e2 := f.phoneAndEmailPairs(t)
		ana, err := workspace.New(d).CreateUser(ctx, f.ws, workspace.NewUser{Email: "ana@acme.test", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		manager := access.Principal{WorkspaceID: f.ws, UserID: ana.ID, Role: access.RoleManager,
			Can: access.Permissions{DeleteContacts: true, SeeAllConversations: true}}
		suggested := func() int {
			t.Helper()
			got, err := f.svc.MergeSuggestions(ctx, f.system)
			if err != nil {
				t.Fatal(err)
			}
			return len(got)
		}
		dismissals := func() []contact.MergeDismissal {
			t.Helper()
			got, err := f.svc.MergeDismissals(ctx, f.system)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if n, l := suggested(), len(dismissals()); n != 2 || l != 0 {
			t.Fatalf("before: %d suggestions, %d dismissals; want 2, 0", n, l)
		}
		if err := f.svc.DismissMergeSuggestion(ctx, manager, contact.DismissInput{A: p2, B: p1}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		if err := f.svc.DismissMergeSuggestion(ctx, f.system, contact.DismissInput{A: e1, B: e2}); err != nil {
			t.Fatal(err)
		}
		got := dismissals()
		if len(got) != 2 || suggested() != 0 {
			t.Fatalf("dismissed both: %+v, %d suggestions", got, suggested())
		}
		// Newest first; the lower id as a; the user named, a token's not.
		if got[0].A.ID != min(e1, e2) || got[0].B.ID != max(e1, e2) || got[0].DismissedBy != nil ||
			got[1].A.ID != min(p1, p2) || got[1].DismissedBy == nil || *got[1].DismissedBy != ana.ID ||
			!got[0].DismissedAt.After(got[1].DismissedAt) || got[1].A.FirstName == "" {
			t.Fatalf("dismissals %+v", got)
		}
		// An agent who sees none of the four contacts' conversations (all
		// unassigned, in no team) is shown neither pair.
		restricted := access.Principal{WorkspaceID: f.ws, UserID: ana.ID, Role: access.RoleAgent}
		if got, err := f.svc.MergeDismissals(ctx, restricted); err != nil || len(got) != 0 {
			t.Fatalf("a restricted agent's dismissals: %+v, %v", got, err)
		}
		for range 2 { // twice: no change the second time
			if err := f.svc.RestoreMergeSuggestion(ctx, manager, contact.DismissInput{A: p1, B: p2}); err != nil {
				t.Fatal(err)
			}
		}
		if got := dismissals(); len(got) != 1 || got[0].A.ID != min(e1, e2) || suggested() != 1 {
			t.Fatalf("restored the phone pair: dismissals %+v, %d suggestions", got, suggested())
		}
	})
}
