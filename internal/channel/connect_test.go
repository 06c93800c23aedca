package channel

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// connecting is a provider that registers its webhook on save, as
// Telegram's setWebhook does, and whose window depends on the channel.
type connecting struct {
	fake
	mu    sync.Mutex
	calls []string // "<channel id> <url> <api key>"
}

func (c *connecting) Connect(_ context.Context, ch Channel, webhookURL string) error {
	c.mu.Lock()
	c.calls = append(c.calls, strconv.FormatInt(ch.ID, 10)+" "+webhookURL+" "+ch.Secret("api_key"))
	c.mu.Unlock()
	if ch.Secret("api_key") == "bad" {
		return errors.New("the provider refused the token: Unauthorized")
	}
	return nil
}

func (c *connecting) Window(ch Channel) Window {
	if strings.Contains(string(ch.Config), "human") {
		return Window{Seconds: 86400, ExtendedSeconds: 7 * 86400, Tag: "HUMAN_AGENT", Rule: "none"}
	}
	return Window{Seconds: 86400, Rule: "none"}
}

var (
	_ Connector = (*connecting)(nil)
	_ Windowed  = (*connecting)(nil)
)

// Saving a channel of a Connector registers it with the provider at the
// node's public URL and the type's webhook path; a refusal is answered
// with the provider's words and the channel stays saved; a rename
// registers nothing.
func TestConnectOnSave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := &connecting{fake: fake{"tele"}}
		reg, err := NewRegistry(p, fake{"plain"})
		if err != nil {
			t.Fatal(err)
		}
		s := NewWithOptions(d, Options{Registry: reg, PublicURL: "https://sb.example/"})
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Create(ctx, ws.ID, Input{Type: "tele", Name: "Bot", Config: json.RawMessage(`{"phone_id":"1","api_key":"k1"}`)})
		if err != nil {
			t.Fatal(err)
		}
		url := "https://sb.example/webhooks/tele/" + strconv.FormatInt(c.ID, 10)
		if c.Connection == nil || !c.Connection.OK || c.Connection.WebhookURL != url || c.WebhookURL != url {
			t.Fatalf("connection %+v, webhook_url %q", c.Connection, c.WebhookURL)
		}
		if len(p.calls) != 1 || p.calls[0] != strconv.FormatInt(c.ID, 10)+" "+url+" k1" {
			t.Fatalf("calls %q", p.calls)
		}
		c, err = s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"phone_id":"2","api_key":"bad"}`)})
		if err != nil {
			t.Fatal(err)
		}
		if c.Connection == nil || c.Connection.OK || !strings.Contains(c.Connection.Error, "refused the token") {
			t.Fatalf("refused: %+v", c.Connection)
		}
		if got, _ := s.Get(ctx, ws.ID, c.ID); !strings.Contains(string(got.Config), `"2"`) || got.Connection != nil {
			t.Errorf("the channel must stay saved: %s", got.Config)
		}
		if c, _ = s.Update(ctx, ws.ID, c.ID, Input{Name: "Renamed"}); c.Connection != nil || len(p.calls) != 2 {
			t.Errorf("a rename connected: %+v (%d calls)", c.Connection, len(p.calls))
		}
		again, err := s.Connect(ctx, ws.ID, c.ID)
		if err != nil || again.OK || len(p.calls) != 3 {
			t.Errorf("connect again: %+v %v", again, err)
		}
		plain, err := s.Create(ctx, ws.ID, Input{Type: "plain", Name: "P", Config: json.RawMessage(`{"phone_id":"1","api_key":"k"}`)})
		if err != nil || plain.Connection != nil {
			t.Fatalf("a type without Connect: %+v %v", plain.Connection, err)
		}
		if _, err := s.Connect(ctx, ws.ID, plain.ID); err == nil {
			t.Error("connect of a type without Connect")
		}
		// Without a public URL the provider cannot be told where to deliver.
		bare := NewWithOptions(d, Options{Registry: reg})
		c2, err := bare.Create(ctx, ws.ID, Input{Type: "tele", Name: "Bot 2", Config: json.RawMessage(`{"phone_id":"1","api_key":"k"}`)})
		if err != nil || c2.Connection == nil || c2.Connection.OK || !strings.Contains(c2.Connection.Error, "--public-url") {
			t.Fatalf("no public URL: %+v %v", c2.Connection, err)
		}
	})
}

// A channel's window is its provider's Window, else its capabilities'.
func TestWindowOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		reg, _ := NewRegistry(&connecting{fake: fake{"tele"}}, fake{"plain"})
		s := NewWithOptions(d, Options{Registry: reg})
		ws, _ := workspace.New(d).Create(ctx, "Acme", "UTC")
		human, _ := s.Create(ctx, ws.ID, Input{Type: "tele", Name: "Page", Config: json.RawMessage(`{"phone_id":"human","api_key":"k"}`)})
		plain, _ := s.Create(ctx, ws.ID, Input{Type: "plain", Name: "P", Config: json.RawMessage(`{"phone_id":"1","api_key":"k"}`)})
		if w, err := s.WindowOf(ctx, human.ID); err != nil || w.ExtendedSeconds != 7*86400 || w.Tag != "HUMAN_AGENT" {
			t.Errorf("windowed: %+v %v", w, err)
		}
		if w, err := s.WindowOf(ctx, plain.ID); err != nil || w.Seconds != 86400 || w.ExtendedSeconds != 0 {
			t.Errorf("capabilities: %+v %v", w, err)
		}
	})
}

// connectingTemplated connects and has templates, as WhatsApp does:
// whatever list (or error) the test sets.
type connectingTemplated struct {
	connecting
	list []Template
	err  error
}

func (c *connectingTemplated) SyncTemplates(context.Context, Channel) ([]Template, error) {
	return c.list, c.err
}

// A channel with templates that connects on save has them synced at once,
// the count in the answer; a sync the provider refuses is said there and
// the channel stays saved and connected; a refused connection reads none.
func TestConnectSyncsTemplates(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	p := &connectingTemplated{connecting: connecting{fake: fake{"wa"}}}
	p.list = []Template{{Name: "order_update", Language: "en_US", Status: "APPROVED"}, {Name: "hello_world", Language: "en_US", Status: "APPROVED"}}
	reg, err := NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	s := NewWithOptions(d, Options{Registry: reg, PublicURL: "https://sb.example/", Keys: testKeys(t, 3)})
	ws, _ := workspace.New(d).Create(ctx, "Acme", "UTC")
	c, err := s.Create(ctx, ws.ID, Input{Type: "wa", Name: "WhatsApp", Config: json.RawMessage(`{"phone_id":"1","api_key":"k1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Connection == nil || !c.Connection.OK || c.Connection.Templates == nil || *c.Connection.Templates != 2 || c.Connection.TemplatesError != "" {
		t.Fatalf("%+v", c.Connection)
	}
	if list, _ := s.Templates(ctx, ws.ID, c.ID); len(list) != 2 {
		t.Fatalf("stored %+v", list)
	}
	p.err = reasoned{}
	c, err = s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"phone_id":"2","api_key":"k2"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Connection.OK || c.Connection.Templates != nil || c.Connection.TemplatesError != "the provider did not give the templates: Invalid OAuth access token. (code 190)" {
		t.Fatalf("%+v", c.Connection)
	}
	if list, _ := s.Templates(ctx, ws.ID, c.ID); len(list) != 2 {
		t.Fatalf("a refused sync changed the list: %+v", list)
	}
	p.err = nil
	p.list = nil
	c, err = s.Update(ctx, ws.ID, c.ID, Input{Config: json.RawMessage(`{"phone_id":"3","api_key":"bad"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Connection.OK || c.Connection.Templates != nil {
		t.Fatalf("%+v", c.Connection)
	}
	if list, _ := s.Templates(ctx, ws.ID, c.ID); len(list) != 2 {
		t.Fatalf("a refused connection read the list: %+v", list)
	}
}
