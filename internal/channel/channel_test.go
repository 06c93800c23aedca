package channel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func TestChannelValidationAndCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := New(d)
		for _, bad := range []Input{
			{Type: "custom", Name: "", Config: json.RawMessage(`{"base_url":"http://x.io"}`)},
			{Type: "custom", Name: "c", Config: json.RawMessage(`{"base_url":"ftp://x.io"}`)},
			{Type: "pigeon", Name: "c"},
		} {
			if _, err := s.Create(ctx, ws.ID, bad); !errors.Is(err, apperr.ErrInvalid) {
				t.Errorf("create %+v = %v, want invalid", bad, err)
			}
		}
		c, err := s.Create(ctx, ws.ID, Input{Type: TypeCustom, Name: "site", Config: json.RawMessage(`{"base_url":"http://a.example/"}`)})
		if err != nil || len(c.Token) < 20 {
			t.Fatalf("create = %+v, %v", c, err)
		}
		if got, _ := s.Lookup(ctx, c.ID); !strings.Contains(string(got.Config), "http://a.example\"") {
			t.Fatalf("config = %s, want the base URL without its trailing slash", got.Config)
		}
		// An update on this node is seen at once by webhooks, despite the cache.
		if _, err := s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"base_url":"http://b.example"}`)}); err != nil {
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
