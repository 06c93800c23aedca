package contact

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestTextIsStorable checks the contact's own checks, which every entry
// point shares (the API refuses NUL before it gets here; workflow steps
// and imports do not): NUL, invalid UTF-8 and over-long values are a 422
// naming the field on both stores, where PostgreSQL would otherwise have
// answered 500 and SQLite stored them.
func TestTextIsStorable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "W", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := New(d)
		if _, err := s.CreateField(ctx, ws.ID, Field{Key: "note", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		ada, err := s.Create(ctx, ws.ID, Input{FirstName: ptr("Ada")})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			in    Input
			field string
		}{
			{"NUL in a first name", Input{FirstName: ptr("A\x00da")}, "first_name"},
			{"invalid UTF-8 in a last name", Input{LastName: ptr("caf\xe9")}, "last_name"},
			{"NUL in a language", Input{Language: ptr("e\x00n")}, "language"},
			{"NUL in an email", Input{Email: ptr("a\x00@example.com")}, "email"},
			{"a phone of 51 characters", Input{Phone: ptr("+1" + strings.Repeat("-", 49))}, "phone"},
			{"NUL in a custom value", Input{Fields: map[string]any{"note": "\x00"}}, "fields.note"},
			{"NUL in a tag", Input{Tags: []string{"v\x00ip"}}, "tag"},
			{"NUL in a stage", Input{LifecycleStage: ptr("Cust\x00omer")}, "lifecycle_stage"},
			{"a name of 900,000 characters", Input{FirstName: ptr(strings.Repeat("é", 900_000))}, "first_name"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for op, call := range map[string]func() error{
					"create": func() error {
						in := tc.in
						if in.FirstName == nil {
							in.FirstName = ptr("Eve")
						}
						_, err := s.Create(ctx, ws.ID, in)
						return err
					},
					"update": func() error { _, err := s.Update(ctx, access.System(ws.ID), ada.ID, tc.in); return err },
				} {
					var e *apperr.Error
					if err := call(); !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != tc.field {
						t.Errorf("%s: got %v, want invalid %s", op, err, tc.field)
					}
				}
			})
		}
		var e *apperr.Error
		if err := s.SetTag(ctx, access.System(ws.ID), ada.ID, "\x00", false); !errors.As(err, &e) || e.Field != "tag" {
			t.Errorf("removing a NUL tag: %v, want invalid tag", err)
		}
		if _, err := s.List(ctx, access.System(ws.ID), ListFilter{Search: strings.Repeat("a", 201)}, page.First()); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("a search of 201 characters: %v, want a bad request", err)
		}
	})
}

// TestInboundProfileIsCleaned checks that a channel's profile values are
// kept when they can be (NUL removed) and dropped when they cannot (too
// long), never refused: a message is not lost to its sender's profile.
func TestInboundProfileIsCleaned(t *testing.T) {
	got := sanitize(Input{FirstName: ptr("Jo\x00hn"), LastName: ptr(strings.Repeat("x", 201)), Language: ptr("caf\xe9"),
		AvatarURL: ptr("https://x/" + strings.Repeat("a", 3000))}, "+14155550100")
	if *got.FirstName != "John" || got.LastName != nil || *got.Language != "caf\uFFFD" || got.AvatarURL != nil || *got.Phone != "+14155550100" {
		t.Fatalf("sanitized = first %q, last %v, language %q, avatar %v", *got.FirstName, got.LastName, *got.Language, got.AvatarURL)
	}
	got = sanitize(Input{FirstName: ptr(strings.Repeat("y", 300))}, strings.Repeat("z", 300))
	if n := len(*got.FirstName); n != MaxNameLen {
		t.Fatalf("a long external id made a first name of %d characters", n)
	}
}
