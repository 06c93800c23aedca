package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/secret"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fake is a provider with a secret config field, as WhatsApp's access
// token or Telegram's bot token will be.
type fake struct{ typ string }

func (f fake) Type() string { return f.typ }
func (fake) Schema() Schema {
	return Schema{Fields: []Field{
		{Name: "phone_id", Type: "string", Required: true},
		{Name: "api_key", Type: "string", Required: true, Secret: true},
		{Name: "token", Type: "string", Secret: true, Generated: true},
	}}
}
func (fake) Validate(cfg json.RawMessage, _ Check) (json.RawMessage, error) {
	var c struct {
		PhoneID string `json:"phone_id"`
		APIKey  string `json:"api_key"`
	}
	if err := json.Unmarshal(cfg, &c); err != nil {
		return nil, apperr.Invalid("config", "must be an object")
	}
	if c.PhoneID == "" {
		return nil, apperr.Invalid("config.phone_id", "is required")
	}
	if c.APIKey == "" {
		return nil, apperr.Invalid("config.api_key", "is required")
	}
	return json.Marshal(c)
}
func (fake) Capabilities() Capabilities { return Capabilities{Buttons: 3, ReplyWindowSeconds: 86400} }
func (fake) MapStatus(s string) (string, bool) {
	st, ok := map[string]string{"DELIVERED": StatusDelivered}[s]
	return st, ok
}
func (f fake) Webhooks(Inbox) []Route {
	return []Route{{Method: "POST", Pattern: WebhookPattern(f.typ, ""), Handler: http.NotFoundHandler()}}
}
func (fake) Send(context.Context, Channel, string, conversation.Message) (string, error) {
	return "", nil
}

var _ Provider = fake{}

func testKeys(t testing.TB, b byte) *secret.Keyring {
	t.Helper()
	k, err := secret.NewKeyring(bytes.Repeat([]byte{b}, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Providers register once per type; their routes are mounted together,
// and two claiming one route is an error.
func TestRegistry(t *testing.T) {
	reg, err := NewRegistry(fake{"alpha"}, fake{"beta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(fake{"alpha"}); err == nil {
		t.Fatal("a second provider of one type was registered")
	}
	if err := reg.Register(fake{"has/slash"}); err == nil {
		t.Fatal("a type that cannot be a path segment was registered")
	}
	routes, err := reg.Routes(Inbox{})
	if err != nil || len(routes) != 2 || routes[0].Pattern != "/webhooks/alpha/{channelID}" || routes[1].Pattern != "/webhooks/beta/{channelID}" {
		t.Fatalf("routes = %+v, %v", routes, err)
	}
	if s := reg.Senders(); s["alpha"] == nil || s["beta"] == nil || len(s) != 2 {
		t.Fatalf("senders = %v", s)
	}
	clash, _ := NewRegistry(fake{"alpha"}, clashing{fake{"gamma"}})
	if _, err := clash.Routes(Inbox{}); err == nil {
		t.Fatal("two providers mounted one route")
	}
}

// clashing claims alpha's webhook route.
type clashing struct{ fake }

func (clashing) Webhooks(Inbox) []Route {
	return []Route{{Method: "POST", Pattern: WebhookPattern("alpha", ""), Handler: http.NotFoundHandler()}}
}

func newService(t *testing.T, d *db.DB, keys *secret.Keyring) *Service {
	t.Helper()
	reg, err := NewRegistry(fake{"fake"})
	if err != nil {
		t.Fatal(err)
	}
	return NewWithOptions(d, Options{Registry: reg, Keys: keys})
}

// rawColumns reads what the store holds of a channel.
func rawColumns(t *testing.T, d *db.DB, id int64) (token, secrets, config string) {
	t.Helper()
	err := d.Reader().QueryRow(context.Background(), `SELECT token, secrets, config FROM channels WHERE id = ?`, id).Scan(&token, &secrets, &config)
	if err != nil {
		t.Fatal(err)
	}
	return
}

// Secret config fields are split off the config, sealed in the store, and
// hinted at; an update that leaves one out keeps it.
func TestSecretsSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := newService(t, d, testKeys(t, 1))
		if _, err := s.Create(ctx, ws.ID, Input{Type: "pigeon", Name: "c"}); !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(err.Error(), "supported: fake") {
			t.Fatalf("unknown type: %v", err)
		}
		c, err := s.Create(ctx, ws.ID, Input{Type: "fake", Name: "wa", Config: json.RawMessage(`{"phone_id":"123","api_key":"key-ABCDEF"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(c.Config), "key-ABCDEF") || c.Secret("api_key") != "key-ABCDEF" || c.Secrets["api_key"] != "set" {
			t.Fatalf("created: config %s, secrets %v", c.Config, c.Secrets)
		}
		out, _ := json.Marshal(c)
		if strings.Contains(string(out), "key-ABCDEF") || strings.Contains(string(out), c.Token) {
			t.Fatalf("a channel encodes its secrets: %s", out)
		}
		token, secrets, config := rawColumns(t, d, c.ID)
		for _, v := range []string{token, secrets} {
			if !secret.IsSealed(v) || strings.Contains(v, "key-ABCDEF") || strings.Contains(v, c.Token) {
				t.Fatalf("stored %q, want sealed", v)
			}
		}
		if strings.Contains(config, "api_key") {
			t.Fatalf("stored config %s holds the secret", config)
		}
		// A sealed value is bound to its row: copied to another, it does not open.
		other, _ := s.Create(ctx, ws.ID, Input{Type: "fake", Name: "wa2", Config: json.RawMessage(`{"phone_id":"9","api_key":"k2"}`)})
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE channels SET secrets = ? WHERE id = ?`, secrets, other.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Read(ctx, other.ID); err == nil {
			t.Fatal("a sealed value moved to another row opened")
		}

		got, err := s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"phone_id":"456"}`)})
		if err != nil || got.Secret("api_key") != "key-ABCDEF" || !strings.Contains(string(got.Config), "456") {
			t.Fatalf("update keeping the secret = %+v, %v", got, err)
		}
		got, err = s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"phone_id":"456","api_key":"key-NEW"}`)})
		if err != nil || got.Secret("api_key") != "key-NEW" {
			t.Fatalf("update of the secret = %+v, %v", got, err)
		}
		read, err := s.Read(ctx, c.ID)
		if err != nil || read.Secret("api_key") != "key-NEW" || read.Token != c.Token {
			t.Fatalf("read back = %+v, %v", read, err)
		}
	})
}

// Tokens stored in plaintext before secrets were sealed are sealed when
// the node starts, once: a second run changes nothing. A node with
// another key refuses to go on.
func TestSealStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		// As an older version stored it: plaintext, no digest.
		var id int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
				VALUES (?, 'fake', 'old', 'legacy-token-1234', '{"phone_id":"1"}', ?) RETURNING id`, ws.ID, tx.Now()).Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		s := newService(t, d, testKeys(t, 1))
		if n, err := s.SealStored(ctx); err != nil || n != 1 {
			t.Fatalf("first run: %d, %v", n, err)
		}
		if token, _, _ := rawColumns(t, d, id); !secret.IsSealed(token) || strings.Contains(token, "legacy") {
			t.Fatalf("stored token = %q", token)
		}
		if n, err := s.SealStored(ctx); err != nil || n != 0 {
			t.Fatalf("second run: %d, %v", n, err)
		}
		if c, err := s.ByToken(ctx, "fake", "legacy-token-1234"); err != nil || c.ID != id {
			t.Fatalf("by token after sealing = %+v, %v", c, err)
		}
		if _, err := newService(t, d, testKeys(t, 2)).SealStored(ctx); err == nil || !strings.Contains(err.Error(), "key") {
			t.Fatalf("another key: %v", err)
		}
		// A keyring holding the old key beside a new one re-seals with the new.
		rotated, _ := secret.NewKeyring(bytes.Repeat([]byte{2}, secret.KeySize), bytes.Repeat([]byte{1}, secret.KeySize))
		if n, err := newService(t, d, rotated).SealStored(ctx); err != nil || n != 1 {
			t.Fatalf("re-seal with a new key: %d, %v", n, err)
		}
		if token, _, _ := rawColumns(t, d, id); secret.SealedBy(token) != rotated.ID() {
			t.Fatalf("re-sealed by %s, want %s", secret.SealedBy(token), rotated.ID())
		}
	})
}

// A rotated token replaces the old one at once on this node: the old one
// no longer finds the channel, whether it was remembered or not.
func TestRotateToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, _ := workspace.New(d).Create(ctx, "W", "UTC")
		s := newService(t, d, testKeys(t, 1))
		c, err := s.Create(ctx, ws.ID, Input{Type: "fake", Name: "wa", Config: json.RawMessage(`{"phone_id":"1","api_key":"k"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ByToken(ctx, "fake", c.Token); err != nil { // remembered from here on
			t.Fatal(err)
		}
		other, _ := workspace.New(d).Create(ctx, "Other", "UTC")
		if _, err := s.RotateToken(ctx, other.ID, c.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("rotate from another workspace: %v", err)
		}
		r, err := s.RotateToken(ctx, ws.ID, c.ID)
		if err != nil || r.Token == c.Token || len(r.Token) < 20 || r.Secret("api_key") != "k" {
			t.Fatalf("rotate = %+v, %v", r, err)
		}
		if _, err := s.ByToken(ctx, "fake", c.Token); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("old token after rotation: %v", err)
		}
		if got, err := s.ByToken(ctx, "fake", r.Token); err != nil || got.ID != c.ID {
			t.Fatalf("new token: %+v, %v", got, err)
		}
		if got, _ := s.Lookup(ctx, c.ID); got.Token != r.Token {
			t.Fatal("the cached channel kept the old token")
		}
	})
}
