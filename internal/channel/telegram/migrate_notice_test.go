package telegram

import (
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
