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

// A value is trimmed before it is matched with the options: an option
// kept with the spaces it was typed with could never be chosen, and an
// empty one would be a "value" nobody means. Creating a field trims its
// options and refuses an empty one, as replacing them does.
func TestListFieldOptionsAreTrimmedAndNeverEmpty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := New(d)
		for _, opts := range [][]string{{"Gold", ""}, {"Gold", "   "}} {
			_, err := s.CreateField(ctx, ws.ID, Field{Key: "tier", Type: "list", Options: opts})
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "options[1]" {
				t.Errorf("options %q: %v, want invalid naming options[1]", opts, err)
			}
		}
		f, err := s.CreateField(ctx, ws.ID, Field{Key: "plan", Type: "list", Options: []string{" Gold ", "Silver"}})
		if err != nil {
			t.Fatal(err)
		}
		if f.Options[0] != "Gold" {
			t.Errorf("options = %q, want the first trimmed to \"Gold\"", f.Options)
		}
		c, err := s.Create(ctx, ws.ID, Input{FirstName: ptr("Ada"), Fields: map[string]any{"plan": " Gold "}})
		if err != nil {
			t.Fatalf("the option as the field lists it: %v", err)
		}
		if c.Fields["plan"] != "Gold" {
			t.Errorf("plan = %q, want Gold", c.Fields["plan"])
		}
		// Replacing the options trims them too.
		if _, err := s.UpdateField(ctx, ws.ID, f.ID, FieldUpdate{Options: &[]string{"Gold", " Platinum "}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, access.System(ws.ID), c.ID, Input{Fields: map[string]any{"plan": "Platinum"}}); err != nil {
			t.Errorf("the replaced option: %v", err)
		}
		got, err := s.GetField(ctx, ws.ID, f.ID)
		if err != nil || got.Options[1] != "Platinum" {
			t.Errorf("options after update = %q, %v; want Platinum trimmed", got.Options, err)
		}
	})
}
