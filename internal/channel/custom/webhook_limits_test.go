package custom

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// webhookLimitCase is a webhook body at or past a limit and what the
// webhook must answer on every store.
type webhookLimitCase struct {
	name   string
	body   string
	status int
	field  string // for a 422: the field the answer names
}

func webhookLimitCases() []webhookLimitCase {
	huge := strings.Repeat("é", 450_000) // 900 KB
	msg := func(mID, message string) string {
		return `{"contactId":"+14155550100","events":[{"type":"message","mId":"` + mID + `","message":` + message + `}]}`
	}
	return []webhookLimitCase{
		{"900 KB of text is kept, cut", msg("long", `{"type":"text","text":"`+huge+`"}`), 200, ""},
		{"a long location address is cut", msg("where", `{"type":"location","latitude":1,"longitude":2,"address":"`+huge+`"}`), 200, ""},
		{"NUL in text is removed", msg("nul", `{"type":"text","text":"a\u0000b"}`), 200, ""},
		{"NUL and long values in the profile", `{"contactId":"c-1","contact":{"firstName":"Jo\u0000hn","language":"` +
			strings.Repeat("x", 900) + `"},"events":[{"type":"message","mId":"p","message":{"type":"text","text":"hi"}}]}`, 200, ""},
		{"a content object over 64 KiB", msg("big", `{"type":"card","text":"hi","payload":"`+strings.Repeat("x", 70_000)+`"}`),
			422, "events[0].message"},
		{"NUL in a message type", msg("t", `{"type":"te\u0000xt","text":"hi"}`), 422, "events[0].message.type"},
		{"NUL in an mId", msg("m\\u0000", `{"type":"text","text":"hi"}`), 422, "events[0].mId"},
		{"NUL in the contactId", `{"contactId":"a\u0000","events":[{"type":"message","mId":"x","message":{"type":"text","text":"hi"}}]}`,
			422, "contactId"},
		{"invalid UTF-8", msg("u", "{\"type\":\"text\",\"text\":\"caf\xe9\"}"), 400, ""},
	}
}

// TestWebhookLimits posts the same bodies past the limits to every store:
// each store must answer with the same status, and what is stored must be
// the same, cut and cleaned text included.
func TestWebhookLimits(t *testing.T) {
	answers := map[db.Dialect]map[string]int{}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := dbtest.Open(t, dialect)
			f := newFixture(t, d)
			answers[dialect] = map[string]int{}
			for _, tc := range webhookLimitCases() {
				status, out := f.post(t, f.pathURL(f.ch.ID), "Bearer "+f.ch.Token, tc.body)
				answers[dialect][tc.name] = status
				if status != tc.status {
					t.Errorf("%s: status %d, want %d: %v", tc.name, status, tc.status, clipAnswer(out))
					continue
				}
				if tc.field != "" {
					e, _ := out["error"].(map[string]any)
					if e["field"] != tc.field {
						t.Errorf("%s: the answer names %v, want %s: %v", tc.name, e["field"], tc.field, clipAnswer(out))
					}
				}
			}
			checkStoredLimits(t, d, f)
		})
	}
	if len(answers) == 2 {
		for name, status := range answers[db.SQLite] {
			if other := answers[db.Postgres][name]; other != status {
				t.Errorf("%s: SQLite answered %d, PostgreSQL %d", name, status, other)
			}
		}
	}
}

// checkStoredLimits checks what the accepted bodies stored.
func checkStoredLimits(t *testing.T, d *db.DB, f *fixture) {
	t.Helper()
	ctx := context.Background()
	stored := func(mID string) (string, map[string]any) {
		var text, content string
		if err := d.Reader().QueryRow(ctx, `SELECT text, content FROM messages WHERE provider_message_id = ?`, mID).Scan(&text, &content); err != nil {
			t.Fatalf("message %s: %v", mID, err)
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(content), &obj); err != nil {
			t.Fatalf("message %s: content %q: %v", mID, content, err)
		}
		if len(content) > conversation.MaxContentBytes {
			t.Errorf("message %s: content of %d bytes stored", mID, len(content))
		}
		return text, obj
	}
	for _, c := range []struct{ mID, member string }{{"long", "text"}, {"where", "address"}} {
		text, content := stored(c.mID)
		if n := utf8.RuneCountInString(text); n != conversation.MaxTextLen || !strings.HasSuffix(text, conversation.TruncatedMarker) ||
			!strings.HasPrefix(text, "ééé") {
			t.Errorf("message %s: text of %d characters ending %q, want %d ending with the marker", c.mID, n, text[len(text)-20:], conversation.MaxTextLen)
		}
		if content[c.member] != text {
			t.Errorf("message %s: content.%s is not the cut text", c.mID, c.member)
		}
	}
	if text, content := stored("nul"); text != "ab" || content["text"] != "a\x00b" {
		t.Errorf("NUL: text %q (want \"ab\"), content text %q (kept as sent, escaped)", text, content["text"])
	}
	var id int64
	if err := d.Reader().QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE external_id = 'c-1'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	c, err := contact.New(d).Get(ctx, access.System(f.ws.ID), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.FirstName != "John" || c.Language != "" {
		t.Errorf("profile stored as first name %q, language %q; want John and none (too long)", c.FirstName, c.Language)
	}
}

func clipAnswer(out map[string]any) string {
	b, _ := json.Marshal(out)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
