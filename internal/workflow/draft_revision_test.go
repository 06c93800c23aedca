package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestDraftRevisionGuardsSavesAndPublishes: two managers edit one draft.
// Bob saves over the revision both loaded (1), then Ada acts on the
// revision she saw. A save or publish based on the current revision goes
// through and counts a new one; one based on an older revision is a
// draft_changed conflict naming who changed the draft and when, and
// changes nothing; one without a revision (IfRevision 0, the API without
// If-Match) overwrites, as before revisions existed.
func TestDraftRevisionGuardsSavesAndPublishes(t *testing.T) {
	type who struct{ ada, bob int64 }
	for _, tc := range []struct {
		name string
		// before runs after Bob's save, before Ada's action.
		before   func(ctx context.Context, svc *Service, wsID, id int64, u who) error
		act      func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error)
		code     string   // the error's code ("": none)
		message  []string // what the error's message names
		revision int64    // the draft's revision after
		draft    string   // the draft's question after ("": none)
		versions int      // published versions after
		savedBy  string   // who last changed the draft
	}{
		{name: "a save on the revision it read",
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "ada"), Edit{By: u.ada, IfRevision: 2})
			},
			revision: 3, draft: "ada", savedBy: "Ada Lovelace"},
		{name: "a save on a revision another has saved over",
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "ada"), Edit{By: u.ada, IfRevision: 1})
			},
			code: "draft_changed", message: []string{"Bob Builder saved", "2026-03-02T09:05:00Z", "revision 2", "revision 1"},
			revision: 2, draft: "bob", savedBy: "Bob Builder"},
		{name: "a save without a revision overwrites",
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "ada"), Edit{By: u.ada})
			},
			revision: 3, draft: "ada", savedBy: "Ada Lovelace"},
		{name: "a publish of the revision it saw",
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.Publish(ctx, wsID, id, Edit{By: u.ada, IfRevision: 2})
			},
			revision: 3, versions: 1, savedBy: "Ada Lovelace"},
		{name: "a publish of a revision another has saved over",
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.Publish(ctx, wsID, id, Edit{By: u.ada, IfRevision: 1})
			},
			code: "draft_changed", message: []string{"Bob Builder saved"},
			revision: 2, draft: "bob", savedBy: "Bob Builder"},
		{name: "a save on a revision another has published",
			before: func(ctx context.Context, svc *Service, wsID, id int64, u who) error {
				_, err := svc.Publish(ctx, wsID, id, Edit{By: u.bob})
				return err
			},
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "ada"), Edit{By: u.ada, IfRevision: 2})
			},
			code: "draft_changed", message: []string{"Bob Builder published", "revision 3"},
			revision: 3, versions: 1, savedBy: "Bob Builder"},
		{name: "a save by a token without a user names nobody",
			before: func(ctx context.Context, svc *Service, wsID, id int64, u who) error {
				_, err := svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "api"), Edit{})
				return err
			},
			act: func(ctx context.Context, svc *Service, wsID, id int64, u who) (Workflow, error) {
				return svc.SaveDraft(ctx, wsID, id, revisionFlow(t, "ada"), Edit{By: u.ada, IfRevision: 2})
			},
			code: "draft_changed", message: []string{"saved", "revision 3"},
			revision: 3, draft: "api"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				c := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
				d.SetClock(c)
				ws := workspace.New(d)
				wsp, err := ws.Create(ctx, "Acme", "UTC")
				if err != nil {
					t.Fatal(err)
				}
				var u who
				for _, p := range []struct {
					id          *int64
					email, name string
				}{{&u.ada, "ada@acme.test", "Ada Lovelace"}, {&u.bob, "bob@acme.test", "Bob Builder"}} {
					user, err := ws.CreateUser(ctx, wsp.ID, workspace.NewUser{Email: p.email, Name: p.name, Role: workspace.RoleManager})
					if err != nil {
						t.Fatal(err)
					}
					*p.id = user.ID
				}
				svc := NewService(d)
				w, err := svc.Create(ctx, wsp.ID, revisionFlow(t, "first"))
				if err != nil {
					t.Fatal(err)
				}
				if w.DraftRevision != 1 {
					t.Fatalf("a new workflow's draft revision is %d, want 1", w.DraftRevision)
				}
				c.Advance(5 * time.Minute)
				if w, err = svc.SaveDraft(ctx, wsp.ID, w.ID, revisionFlow(t, "bob"), Edit{By: u.bob, IfRevision: 1}); err != nil || w.DraftRevision != 2 {
					t.Fatalf("Bob's save: revision %d, %v", w.DraftRevision, err)
				}
				if tc.before != nil {
					if err := tc.before(ctx, svc, wsp.ID, w.ID, u); err != nil {
						t.Fatal(err)
					}
				}
				c.Advance(time.Minute)
				answer, err := tc.act(ctx, svc, wsp.ID, w.ID, u)
				var e *apperr.Error
				switch {
				case tc.code == "" && err != nil:
					t.Fatalf("refused: %v", err)
				case tc.code == "" && answer.DraftRevision != tc.revision:
					t.Errorf("answered revision %d, want %d", answer.DraftRevision, tc.revision)
				case tc.code != "" && (!errors.As(err, &e) || e.Kind != apperr.KindConflict || e.Code != tc.code):
					t.Fatalf("answered %v, want a %s conflict", err, tc.code)
				}
				for _, m := range tc.message {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("the message %q does not name %q", err, m)
					}
				}

				got, err := svc.Get(ctx, wsp.ID, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.DraftRevision != tc.revision {
					t.Errorf("revision %d, want %d", got.DraftRevision, tc.revision)
				}
				draft := ""
				if got.Draft != nil {
					draft = string(got.Draft.Steps[0].Settings)
				}
				if (tc.draft == "") != (draft == "") || !strings.Contains(draft, tc.draft) {
					t.Errorf("draft %q, want one asking %q", draft, tc.draft)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_versions WHERE workflow_id = ?`, w.ID); n != tc.versions {
					t.Errorf("%d versions, want %d", n, tc.versions)
				}
				savedBy := ""
				if got.DraftSavedBy != nil {
					savedBy = got.DraftSavedBy.Name
				}
				if savedBy != tc.savedBy || got.DraftSavedAt == nil || got.DraftSavedAt.IsZero() {
					t.Errorf("draft last changed by %q at %v, want %q", savedBy, got.DraftSavedAt, tc.savedBy)
				}
			})
		})
	}
}

// revisionFlow is a valid definition whose question is q.
func revisionFlow(t *testing.T, q string) Definition {
	t.Helper()
	d, err := ParseDefinition([]byte(strings.NewReplacer("%Q", q, "%B", "bye").Replace(versionFlow)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Two saves at once on the same revision: exactly one lands, the other is
// draft_changed, and the revision moves by one — no save is lost
// silently, on either store (the check and the write are one transaction).
func TestDraftRevisionConcurrentSavesOneWins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		wsp, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		svc := NewService(d)
		w, err := svc.Create(ctx, wsp.ID, revisionFlow(t, "first"))
		if err != nil {
			t.Fatal(err)
		}
		const savers = 8
		errs := make(chan error, savers)
		var start sync.WaitGroup
		start.Add(1)
		for i := range savers {
			go func() {
				start.Wait()
				_, err := svc.SaveDraft(ctx, wsp.ID, w.ID, revisionFlow(t, fmt.Sprintf("saver%d", i)), Edit{IfRevision: w.DraftRevision})
				errs <- err
			}()
		}
		start.Done()
		won := 0
		for range savers {
			err := <-errs
			var e *apperr.Error
			switch {
			case err == nil:
				won++
			case !errors.As(err, &e) || e.Code != CodeDraftChanged:
				t.Fatalf("a losing save: %v, want draft_changed", err)
			}
		}
		got, err := svc.Get(ctx, wsp.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || got.DraftRevision != w.DraftRevision+1 {
			t.Fatalf("%d saves won, revision %d; want 1 and %d", won, got.DraftRevision, w.DraftRevision+1)
		}
	})
}
