package workspace

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Owners demoting each other at once never leave a workspace without an
// owner: of two owners, exactly one demotion succeeds and the other is a
// conflict, however the two interleave.
func TestConcurrentDemotionsKeepAnOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		for round := range 10 {
			ws, err := s.Create(ctx, fmt.Sprintf("W%d", round), "UTC")
			if err != nil {
				t.Fatal(err)
			}
			var owners []User
			for i := range 2 {
				u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: fmt.Sprintf("o%d-%d@acme.io", round, i), Name: "O", Role: RoleOwner})
				if err != nil {
					t.Fatal(err)
				}
				owners = append(owners, u)
			}
			errs := make([]error, len(owners))
			var wg sync.WaitGroup
			for i, o := range owners {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.UpdateUser(ctx, ws.ID, o.ID, UserUpdate{Role: ptr(RoleAgent)})
				}()
			}
			wg.Wait()
			ok, refused := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, apperr.ErrConflict):
					refused++
				default:
					t.Fatalf("demotion: %v", err)
				}
			}
			left := dbtest.Count(t, d, `SELECT COUNT(*) FROM users WHERE workspace_id = ? AND role = 'owner'`, ws.ID)
			if ok != 1 || refused != 1 || left != 1 {
				t.Fatalf("round %d: %d demotions succeeded, %d refused, %d owners left; want 1, 1, 1", round, ok, refused, left)
			}
		}
	})
}

// An update writes only the fields it names: a rename keeps the status
// the user chose, and an unknown user is a not-found that changes nothing.
func TestUpdateUserWritesOnlyWhatItNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, _ := s.Create(ctx, "W", "UTC")
		u, err := s.CreateUser(ctx, ws.ID, NewUser{Email: "a@acme.io", Name: "A", Role: RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		// The status changes behind the caller's back (routing's presence).
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE users SET status = 'busy' WHERE id = ?`, u.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := s.UpdateUser(ctx, ws.ID, u.ID, UserUpdate{Name: ptr("  Ada  ")})
		if err != nil || got.Name != "Ada" || got.Status != "busy" || got.Role != RoleAgent {
			t.Fatalf("rename = %+v, %v; want name Ada, status busy, role agent", got, err)
		}
		if _, err := s.UpdateUser(ctx, ws.ID, u.ID+1000, UserUpdate{Name: ptr("X")}); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown user = %v, want not found", err)
		}
	})
}
