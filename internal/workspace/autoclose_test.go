package workspace

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A workspace's auto-close mode is inactivity until set otherwise; an
// unknown mode is refused naming the field, and changing the mode keeps
// the delay and auto_close_contact_only (which only inactivity reads).
func TestAutoCloseMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := New(d)
		ws, err := s.Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, ws.ID); err != nil || got.AutoCloseMode != AutoCloseInactivity {
			t.Fatalf("a new workspace: mode %q, %v; want inactivity", got.AutoCloseMode, err)
		}
		_, err = s.Update(ctx, ws.ID, Settings{AutoCloseMode: ptr("awaiting")})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "auto_close_mode" {
			t.Fatalf("mode awaiting: %v; want 422 on auto_close_mode", err)
		}
		minutes, contactOnly := 60, true
		if _, err := s.Update(ctx, ws.ID, Settings{AutoCloseMinutes: &minutes, AutoCloseContactOnly: &contactOnly}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Update(ctx, ws.ID, Settings{AutoCloseMode: ptr(AutoCloseAwaitingContact)})
		if err != nil || got.AutoCloseMode != AutoCloseAwaitingContact || got.AutoCloseMinutes != 60 || !got.AutoCloseContactOnly {
			t.Fatalf("mode awaiting_contact: %+v, %v; want it with the delay and contact only kept", got, err)
		}
		if got, err := s.Update(ctx, ws.ID, Settings{AutoCloseMode: ptr(AutoCloseInactivity)}); err != nil || got.AutoCloseMode != AutoCloseInactivity {
			t.Fatalf("back to inactivity: %+v, %v", got, err)
		}
	})
}
