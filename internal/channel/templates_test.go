package channel

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// templated is a provider with templates: whatever list (or error) the
// test sets.
type templated struct {
	fake
	list []Template
	err  error
}

func (t *templated) SyncTemplates(context.Context, Channel) ([]Template, error) { return t.list, t.err }

type reasoned struct{}

func (reasoned) Error() string  { return "graph api: HTTP 401" }
func (reasoned) Reason() string { return "Invalid OAuth access token. (code 190)" }

// A sync replaces the stored templates whole; a failed sync changes
// nothing; another workspace's channel is not found; a channel type
// without templates says so.
func TestTemplatesSync(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := &templated{fake: fake{"tpl"}}
		reg, err := NewRegistry(p, fake{"plain"})
		if err != nil {
			t.Fatal(err)
		}
		s := NewWithOptions(d, Options{Registry: reg, Keys: testKeys(t, 3)})
		ws, _ := workspace.New(d).Create(ctx, "A", "UTC")
		other, _ := workspace.New(d).Create(ctx, "B", "UTC")
		cfg := json.RawMessage(`{"phone_id":"1","api_key":"k"}`)
		ch, err := s.Create(ctx, ws.ID, Input{Type: "tpl", Name: "wa", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := s.Create(ctx, ws.ID, Input{Type: "plain", Name: "p", Config: cfg})

		p.list = []Template{
			{Name: "order_update", Language: "en_US", Status: "APPROVED", Category: "UTILITY", Body: "Hi {{1}}, order {{2}} shipped", Params: 2,
				Components: json.RawMessage(`[{"type":"BODY","text":"Hi {{1}}, order {{2}} shipped"}]`)},
			{Name: "hello_world", Language: "en_US", Status: "APPROVED", Body: "Welcome"},
			{Name: "hello_world", Language: "en_US", Status: "DUPLICATE"},
		}
		got, err := s.SyncTemplates(ctx, ws.ID, ch.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("%+v %v", got, err)
		}
		list, err := s.Templates(ctx, ws.ID, ch.ID)
		if err != nil || len(list) != 2 || list[0].Name != "hello_world" || list[1].Params != 2 || list[1].Category != "UTILITY" ||
			string(list[1].Components) != `[{"type":"BODY","text":"Hi {{1}}, order {{2}} shipped"}]` || string(list[0].Components) != `[]` {
			t.Fatalf("%+v %v", list, err)
		}
		// The sync answers the list as it reads back, not in the provider's order.
		if !reflect.DeepEqual(got, list) {
			t.Errorf("the sync answered %+v, the list reads %+v", got, list)
		}

		p.list = []Template{{Name: "hello_world", Language: "fr", Status: "PENDING"}}
		if _, err := s.SyncTemplates(ctx, ws.ID, ch.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Templates(ctx, ws.ID, ch.ID); len(list) != 1 || list[0].Language != "fr" {
			t.Errorf("not replaced: %+v", list)
		}

		p.err = reasoned{}
		_, err = s.SyncTemplates(ctx, ws.ID, ch.ID)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindConflict || e.Message != "the provider did not give the templates: Invalid OAuth access token. (code 190)" {
			t.Errorf("%v", err)
		}
		if list, _ := s.Templates(ctx, ws.ID, ch.ID); len(list) != 1 {
			t.Errorf("a failed sync changed the list: %+v", list)
		}
		if _, err := s.SyncTemplates(ctx, other.ID, ch.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace: %v", err)
		}
		if _, err := s.Templates(ctx, other.ID, ch.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace: %v", err)
		}
		if _, err := s.SyncTemplates(ctx, ws.ID, plain.ID); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("no templates: %v", err)
		}
		if list, err := s.Templates(ctx, ws.ID, plain.ID); err != nil || len(list) != 0 {
			t.Errorf("%+v %v", list, err)
		}
	})
}
