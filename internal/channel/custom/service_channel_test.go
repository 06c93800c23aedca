package custom

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestChannelValidationAndCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := testService(t, d)
		for _, bad := range []channel.Input{
			{Type: "custom", Name: "", Config: json.RawMessage(`{"base_url":"http://x.io"}`)},
			{Type: "custom", Name: "c", Config: json.RawMessage(`{"base_url":"ftp://x.io"}`)},
			{Type: "pigeon", Name: "c"},
		} {
			if _, err := s.Create(ctx, ws.ID, bad); !errors.Is(err, apperr.ErrInvalid) {
				t.Errorf("create %+v = %v, want invalid", bad, err)
			}
		}
		c, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "site", Config: json.RawMessage(`{"base_url":"http://a.example/"}`)})
		if err != nil || len(c.Token) < 20 {
			t.Fatalf("create = %+v, %v", c, err)
		}
		if got, _ := s.Lookup(ctx, c.ID); !strings.Contains(string(got.Config), "http://a.example\"") {
			t.Fatalf("config = %s, want the base URL without its trailing slash", got.Config)
		}
		// An update on this node is seen at once by webhooks, despite the cache.
		if _, err := s.Update(ctx, ws.ID, c.ID, channel.Input{Config: json.RawMessage(`{"base_url":"http://b.example"}`)}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Lookup(ctx, c.ID); !strings.Contains(string(got.Config), "b.example") {
			t.Fatalf("config after update = %s", got.Config)
		}
		other, _ := workspace.New(d).Create(ctx, "Other", "UTC")
		if _, err := s.Get(ctx, other.ID, c.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("another workspace's channel = %v, want not found", err)
		}
	})
}

// A webhook URL without the channel in it finds the channel by its token:
// the token of a channel of that type, and nothing else, lets it in.
func TestByToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := testService(t, d)
		a, err := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "a", Config: json.RawMessage(`{"base_url":"http://a.example"}`)})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := s.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "b", Config: json.RawMessage(`{"base_url":"http://b.example"}`)})
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at) VALUES (?, 'telegram', 'tg', 'tgtoken', '{}', ?)`,
				ws.ID, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second time from what the first remembered
			for _, want := range []channel.Channel{a, b} {
				got, err := s.ByToken(ctx, Type, want.Token)
				if err != nil || got.ID != want.ID {
					t.Fatalf("ByToken(%s's token) = %d, %v; want %d", want.Name, got.ID, err, want.ID)
				}
			}
		}
		for name, token := range map[string]string{"empty": "", "unknown": "nope", "altered": a.Token + "x",
			"upper case": strings.ToUpper(a.Token), "another type's": "tgtoken"} {
			if _, err := s.ByToken(ctx, Type, token); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("%s token: %v, want unauthorized", name, err)
			}
		}
	})
}
