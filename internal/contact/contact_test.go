package contact

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func ptr(s string) *string { return &s }

func TestContactLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := New(d)
		if _, err := s.CreateField(ctx, ws.ID, Field{Key: "age", Type: "number"}); err != nil {
			t.Fatal(err)
		}
		c, err := s.Create(ctx, ws.ID, Input{FirstName: ptr("Ada"), Phone: ptr("+44 20 7946 0000"), Fields: map[string]any{"age": float64(36)}, Tags: []string{"vip"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Phone != "+442079460000" || c.Fields["age"] != float64(36) || len(c.Tags) != 1 || c.LifecycleStage != "New Lead" {
			t.Fatalf("created contact = %+v", c)
		}
		events := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`)
		// A bad custom value is refused, names the field, and changes nothing.
		_, err = s.Update(ctx, access.System(ws.ID), c.ID, Input{LastName: ptr("Lovelace"), Fields: map[string]any{"age": "abc"}})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Field != "fields.age" {
			t.Fatalf("update with age=abc: %v, want invalid fields.age", err)
		}
		if got, _ := s.Get(ctx, access.System(ws.ID), c.ID); got.LastName != "" || dbtest.Count(t, d, `SELECT COUNT(*) FROM events`) != events {
			t.Fatalf("a refused update changed something: %+v", got)
		}
		// Upsert by phone updates; by a new email creates.
		up, created, err := s.Upsert(ctx, access.System(ws.ID), Input{FirstName: ptr("Ada"), Phone: ptr("+442079460000"), Email: ptr("ada@example.com")})
		if err != nil || created || up.ID != c.ID || up.Email != "ada@example.com" {
			t.Fatalf("upsert existing = %+v %v %v", up, created, err)
		}
		other, created, err := s.Upsert(ctx, access.System(ws.ID), Input{FirstName: ptr("Bob"), Email: ptr("bob@example.com")})
		if err != nil || !created || other.ID == c.ID {
			t.Fatalf("upsert new = %+v %v %v", other, created, err)
		}
		// Phone is unique in the workspace.
		if _, err := s.Update(ctx, access.System(ws.ID), other.ID, Input{Phone: ptr("+442079460000")}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("duplicate phone = %v, want conflict", err)
		}
		if err := s.SetLifecycle(ctx, access.System(ws.ID), c.ID, "Customer"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLifecycle(ctx, access.System(ws.ID), c.ID, "Nope"); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("unknown stage = %v", err)
		}
		if err := s.SetTag(ctx, access.System(ws.ID), c.ID, "vip", false); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, access.System(ws.ID), c.ID)
		if got.LifecycleStage != "Customer" || len(got.Tags) != 0 {
			t.Fatalf("after lifecycle and untag: %+v", got)
		}
		for _, typ := range []string{"contact.created", "contact.updated", "contact.lifecycle.updated", "contact.tag.updated"} {
			if dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = '`+typ+`'`) == 0 {
				t.Errorf("no %s event", typ)
			}
		}
		// Workspaces do not see each other's contacts.
		ws2, _ := workspace.New(d).Create(ctx, "W2", "UTC")
		if _, err := s.Get(ctx, access.System(ws2.ID), c.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("cross-workspace get = %v, want not found", err)
		}
		if err := s.Delete(ctx, access.System(ws.ID), c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, access.System(ws.ID), c.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("get after delete = %v", err)
		}
	})
}
