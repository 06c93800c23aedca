package event_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func TestErasedKeepsIdsAndWhatHappened(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"message_id":7,"channel_id":2,"type":"text","text":"my card is 4242","sender":"contact"}`,
			`{"channel_id":2,"erased":true,"message_id":7,"sender":"contact","type":"text"}`},
		{`{"contact_id":3,"first_name":"Erin","email":"e@example.com","phone":"+14155550111"}`, `{"contact_id":3,"erased":true}`},
		{`{"contact_id":3,"changed":["phone"],"values":{"phone":"+14155550111"}}`, `{"changed":["phone"],"contact_id":3,"erased":true}`},
		{`{"comment_id":5,"user_id":1,"text":"Erin's card","mentions":[2]}`, `{"comment_id":5,"erased":true,"mentions":[2],"user_id":1}`},
		{`{"category":"Refund","summary":"Erin's card was charged twice","source":"user"}`, `{"category":"Refund","erased":true,"source":"user"}`},
		{`{"assignee_id":4,"reason":"Round robin: Ana was next","routing":{"strategy":"round_robin","candidates":[{"user_id":4}]}}`,
			`{"assignee_id":4,"erased":true,"reason":"Round robin: Ana was next","routing":{"strategy":"round_robin","candidates":[{"user_id":4}]}}`},
		{`"not an object"`, `{"erased":true}`},
		{``, `{"erased":true}`},
	} {
		if got := string(event.Erased(json.RawMessage(c.in))); got != c.want {
			t.Errorf("Erased(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

// A node's consumers share a window of the events they read; an erasure
// rewrites events it may hold, so once it commits the window reads them
// again from the log rather than hand out what was erased.
func TestErasureStartsTheWindowAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n := newNode(d, newClock())
		ws := setup(t, d)
		ids := appendEvents(t, d, ws, event.MessageReceived, event.MessageReceived)
		rewrite := func(mark bool) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `UPDATE events SET payload = '{"erased":true}' WHERE id = ?`, ids[0]); err != nil {
					return err
				}
				if mark {
					tx.RewroteEvents()
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		read := func() string {
			t.Helper()
			list, _, ok, err := n.hub.WindowRead(ctx, d, ids[0]-1, ids[1], nil, 10)
			if err != nil || !ok || len(list) != 2 {
				t.Fatalf("window read: %v, %v, %v", list, ok, err)
			}
			return string(list[0].Payload)
		}
		if got := read(); strings.Contains(got, "erased") {
			t.Fatalf("before the erasure: %s", got)
		}
		// A rewrite that did not say so is not seen: the window kept its copy
		// (which is why an erasure must call RewroteEvents).
		rewrite(false)
		if got := read(); strings.Contains(got, "erased") {
			t.Fatalf("an unmarked rewrite changed the window's copy: %s", got)
		}
		rewrite(true)
		if got := read(); !strings.Contains(got, "erased") {
			t.Fatalf("after the erasure the window still hands out %s", got)
		}
	})
}
