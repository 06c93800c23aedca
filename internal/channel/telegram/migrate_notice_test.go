package telegram

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Telegram's notices of a group's upgrade to a supergroup (the group's
// message with migrate_to_chat_id, the supergroup's first with
// migrate_from_chat_id) are no customer's message: they are stored as
// none, open no conversation, make no contact and append no event (so no
// workflow starts on them), and the move they announce still happens.
func TestUpgradeNoticesAreNotMessages(t *testing.T) {
	const to, from = "message_migrate_to_chat_id", "message_migrate_from_chat_id"
	for _, tc := range []struct {
		name    string
		known   bool // the group wrote before its upgrade
		notices []string
	}{
		{"migrate_to, group known", true, []string{to}},
		{"migrate_from, group known", true, []string{from}},
		{"both, group known", true, []string{to, from}},
		{"both the other way, group known", true, []string{from, to}},
		{"both, group unknown", false, []string{to, from}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d, nil)
				want := map[string]int64{}
				if tc.known {
					if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, groupMessage(1, 20, oldGroup, "group", `,"text":"Is the API down?"`)); status != 200 {
						t.Fatalf("status %d %v", status, out)
					}
					want[strconv.FormatInt(newSupergroup, 10)] = identities(t, d, f.ch.ID)[strconv.FormatInt(oldGroup, 10)]
				}
				before := rows(t, d)
				for _, n := range tc.notices {
					if out := f.deliver(t, n); out["ok"] != true {
						t.Errorf("%s: answer %v", n, out)
					}
				}
				if after := rows(t, d); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("the notices stored rows: %v → %v", before, after)
				}
				if got := identities(t, d, f.ch.ID); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("identities %v, want %v", got, want)
				}
			})
		})
	}
}

// Updates may arrive out of order: the supergroup may write before
// either notice of its group's upgrade, and so become a contact of its
// own. The notice arriving later, naming a group known to us, makes the
// two contacts one: the supergroup's merges into the group's (the older),
// known by the supergroup's id alone, every message kept, one
// conversation left open; the supergroup's next message goes there.
func TestSupergroupWritingBeforeTheNoticeJoinsTheGroupsContact(t *testing.T) {
	const to, from = "message_migrate_to_chat_id", "message_migrate_from_chat_id"
	const super = "supergroup message"
	for _, tc := range []struct {
		name  string
		steps []string
	}{
		{"notices first", []string{to, from, super}},
		{"message, migrate_to, migrate_from", []string{super, to, from}},
		{"message, migrate_from, migrate_to", []string{super, from, to}},
		{"migrate_to, message, migrate_from", []string{to, super, from}},
		{"message, migrate_from alone", []string{super, from}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d, nil)
				post := func(body string) {
					t.Helper()
					if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, body); status != 200 {
						t.Fatalf("status %d %v", status, out)
					}
				}
				post(groupMessage(1, 20, oldGroup, "group", `,"text":"Is the API down?"`))
				group := identities(t, d, f.ch.ID)[strconv.FormatInt(oldGroup, 10)]
				for _, s := range tc.steps {
					if s == super {
						post(groupMessage(4, 2, newSupergroup, "supergroup", `,"text":"Still down for us"`))
					} else {
						f.deliver(t, s)
					}
				}
				if got, want := identities(t, d, f.ch.ID), map[string]int64{strconv.FormatInt(newSupergroup, 10): group}; fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("identities %v, want %v", got, want)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 1 {
					t.Errorf("%d contacts, want the group's alone", n)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ? AND text IN ('Is the API down?', 'Still down for us')`, group); n != 2 {
					t.Errorf("%d of the two messages are the group contact's", n)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages`); n != 2 {
					t.Errorf("%d messages, want the two written", n)
				}
				var open int64
				if err := d.Reader().QueryRow(context.Background(), `SELECT id FROM conversations WHERE contact_id = ? AND status = 'open'`, group).Scan(&open); err != nil {
					t.Fatalf("the group's open conversation: %v", err)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id <> ? OR (status <> 'closed' AND id <> ?)`, group, open); n != 0 {
					t.Errorf("%d conversations besides the group contact's one open and its closed ones", n)
				}
				post(groupMessage(5, 3, newSupergroup, "supergroup", `,"text":"Any news?"`))
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE text = 'Any news?' AND contact_id = ? AND conversation_id = ?`, group, open); n != 1 {
					t.Errorf("the supergroup's next message is not in the group's open conversation %d", open)
				}
			})
		})
	}
}
