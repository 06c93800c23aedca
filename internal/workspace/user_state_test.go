package workspace

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// A deactivated user cannot sign in and every token of theirs is refused
// at once; the work another package does in the same transaction commits
// or rolls back with it; reactivation lets them back in.
func TestDeactivateAndReactivate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newSessionFixture(t, d)
		session, _ := f.signIn(t, "correct horse", "laptop")
		_, api, err := f.s.CreateToken(ctx, f.ws.ID, NewToken{Name: "script", UserID: f.user.ID})
		if err != nil {
			t.Fatal(err)
		}

		// The other package's work fails: nothing changes.
		boom := errors.New("routing failed")
		if _, err := f.s.DeactivateUser(ctx, f.ws.ID, f.user.ID, func(context.Context, *db.Tx, int64, int64) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("deactivate with failing work = %v", err)
		}
		if !f.works(t, session) || !f.works(t, api) {
			t.Fatal("a failed deactivation changed something")
		}

		var called [2]int64
		u, err := f.s.DeactivateUser(ctx, f.ws.ID, f.user.ID, func(_ context.Context, tx *db.Tx, ws, user int64) error {
			called = [2]int64{ws, user}
			// The work sees the deactivation it commits with.
			var at int64
			return tx.QueryRow(ctx, `SELECT deactivated_at FROM users WHERE id = ? AND deactivated_at > 0`, user).Scan(&at)
		})
		if err != nil || u.DeactivatedAt.IsZero() || called != [2]int64{f.ws.ID, f.user.ID} {
			t.Fatalf("deactivate = %+v, %v; work called with %v", u, err, called)
		}
		if f.works(t, session) || f.works(t, api) {
			t.Fatal("a deactivated user's tokens still work")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND kind = 'session'`, f.user.ID); n != 0 {
			t.Fatalf("%d sessions of a deactivated user remain", n)
		}
		if _, err := f.s.SignIn(ctx, SignInInput{Email: "ana@acme.io", Password: "correct horse"}); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("deactivated sign-in = %v; want 401", err)
		}
		if _, _, err := f.s.CreateToken(ctx, f.ws.ID, NewToken{Name: "x", UserID: f.user.ID}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("token for a deactivated user = %v; want conflict", err)
		}
		pg, _ := f.s.ListUsers(ctx, f.ws.ID, page.All())
		list := pg.Data
		if len(list) != 1 || list[0].DeactivatedAt.IsZero() {
			t.Fatalf("users = %+v; want the deactivated user listed with deactivated_at", list)
		}
		if again, err := f.s.DeactivateUser(ctx, f.ws.ID, f.user.ID, nil); err != nil || !again.DeactivatedAt.Equal(u.DeactivatedAt) {
			t.Fatalf("deactivating twice = %+v, %v; want no change", again, err)
		}

		u, err = f.s.ReactivateUser(ctx, f.ws.ID, f.user.ID)
		if err != nil || !u.DeactivatedAt.IsZero() || !f.works(t, api) {
			t.Fatalf("reactivate = %+v, %v; want active, with the API token working again", u, err)
		}
		f.signIn(t, "correct horse", "laptop")
		if _, err := f.s.ReactivateUser(ctx, f.ws.ID, f.user.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("reactivate an unknown user = %v", err)
		}
	})
}

// A workspace keeps an active owner: the last one can be neither
// deactivated nor demoted, while a deactivated owner does not count.
func TestLastActiveOwnerStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTestService(d, Options{})
		ws, _ := s.Create(ctx, "Acme", "UTC")
		a, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "a@acme.io", Name: "A", Role: RoleOwner})
		b, _ := s.CreateUser(ctx, ws.ID, NewUser{Email: "b@acme.io", Name: "B", Role: RoleOwner})
		if _, err := s.DeactivateUser(ctx, ws.ID, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeactivateUser(ctx, ws.ID, b.ID, nil); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("deactivate the last active owner = %v; want conflict", err)
		}
		if _, err := s.UpdateUser(ctx, ws.ID, b.ID, UserUpdate{Role: ptr(RoleAgent)}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("demote the last active owner = %v; want conflict", err)
		}
		if _, err := s.ReactivateUser(ctx, ws.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeactivateUser(ctx, ws.ID, b.ID, nil); err != nil {
			t.Fatalf("deactivate an owner while another is active = %v", err)
		}
	})
}
