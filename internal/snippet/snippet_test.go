package snippet_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/snippet"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func ptr(s string) *string { return &s }

func setup(t *testing.T, d *db.DB) (*snippet.Service, *clock.Fake, int64, int64) {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	ws := workspace.New(d)
	a, err := ws.Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ws.Create(context.Background(), "Other", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	return snippet.New(d), fake, a.ID, b.ID
}

func TestCRUD(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, fake, ws, other := setup(t, d)
		sn, err := s.Create(ctx, ws, snippet.Input{Name: ptr(" hello "), Text: ptr(" Hello, how can I help? ")})
		if err != nil {
			t.Fatal(err)
		}
		if sn.Name != "hello" || sn.Text != "Hello, how can I help?" || sn.CreatedAt.IsZero() {
			t.Fatalf("created %+v", sn)
		}
		if _, err := s.Create(ctx, ws, snippet.Input{Name: ptr("hello"), Text: ptr("again")}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("duplicate name: %v, want conflict", err)
		}
		// Names are per workspace.
		if _, err := s.Create(ctx, other, snippet.Input{Name: ptr("hello"), Text: ptr("theirs")}); err != nil {
			t.Fatal(err)
		}
		fake.Advance(time.Minute)
		up, err := s.Update(ctx, ws, sn.ID, snippet.Input{Text: ptr("Hi!")})
		if err != nil {
			t.Fatal(err)
		}
		if up.Name != "hello" || up.Text != "Hi!" || !up.UpdatedAt.After(up.CreatedAt) {
			t.Fatalf("updated %+v", up)
		}
		if got, err := s.Get(ctx, ws, sn.ID); err != nil || got.Text != "Hi!" {
			t.Fatalf("get %+v %v", got, err)
		}
		if _, err := s.Get(ctx, other, sn.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("another workspace's snippet: %v, want not found", err)
		}
		if _, err := s.Update(ctx, other, sn.ID, snippet.Input{Text: ptr("x")}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("update from another workspace: %v, want not found", err)
		}
		if err := s.Delete(ctx, ws, sn.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, ws, sn.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, ws, _ := setup(t, d)
		for _, tc := range []struct {
			name  string
			in    snippet.Input
			field string
		}{
			{"no name", snippet.Input{Text: ptr("x")}, "name"},
			{"blank text", snippet.Input{Name: ptr("a"), Text: ptr("  ")}, "text"},
			{"upper case", snippet.Input{Name: ptr("Hello"), Text: ptr("x")}, "name"},
			{"space", snippet.Input{Name: ptr("a b"), Text: ptr("x")}, "name"},
			{"slash", snippet.Input{Name: ptr("/a"), Text: ptr("x")}, "name"},
			{"leading dash", snippet.Input{Name: ptr("-a"), Text: ptr("x")}, "name"},
			{"name too long", snippet.Input{Name: ptr(strings.Repeat("a", snippet.MaxNameLen+1)), Text: ptr("x")}, "name"},
			{"text too long", snippet.Input{Name: ptr("a"), Text: ptr(strings.Repeat("é", snippet.MaxTextLen+1))}, "text"},
			{"NUL", snippet.Input{Name: ptr("a"), Text: ptr("a\x00b")}, "text"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Create(context.Background(), ws, tc.in)
				var e *apperr.Error
				if apperr.KindOf(err) != apperr.KindInvalid || !errors.As(err, &e) || e.Field != tc.field {
					t.Fatalf("%v, want invalid %s", err, tc.field)
				}
			})
		}
	})
}

func TestListPagesAndSearches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, ws, other := setup(t, d)
		for _, n := range []string{"thanks", "hello", "refund", "hours", "bye"} {
			if _, err := s.Create(ctx, ws, snippet.Input{Name: ptr(n), Text: ptr("Text of " + n)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Create(ctx, other, snippet.Input{Name: ptr("hidden"), Text: ptr("x")}); err != nil {
			t.Fatal(err)
		}
		var names []string
		req := page.Request{Limit: 2}
		for {
			p, err := s.List(ctx, ws, "", req)
			if err != nil {
				t.Fatal(err)
			}
			for _, sn := range p.Data {
				names = append(names, sn.Name)
			}
			if p.NextCursor == "" {
				break
			}
			c, err := page.Decode(p.NextCursor, snippet.OrderName)
			if err != nil {
				t.Fatal(err)
			}
			req.After = &c
		}
		if got := strings.Join(names, ","); got != "bye,hello,hours,refund,thanks" {
			t.Fatalf("pages: %s", got)
		}
		for q, want := range map[string]string{"h": "hello,hours", "TEXT OF R": "refund", "%": "", "_": "", "zzz": ""} {
			p, err := s.List(ctx, ws, q, page.Request{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sn := range p.Data {
				got = append(got, sn.Name)
			}
			if strings.Join(got, ",") != want {
				t.Errorf("q=%q: %v, want %s", q, got, want)
			}
		}
		if _, err := s.List(ctx, ws, strings.Repeat("a", 201), page.Request{Limit: 5}); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Fatalf("long search: %v", err)
		}
	})
}
