package telegram

import (
	"context"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The chat ids of a group upgraded to a supergroup, as Telegram numbers
// them: a group's, and the supergroup's -100….
const (
	oldGroup      = -4001234567
	newSupergroup = -1001234567999
)

// groupMessage is an update of a message in chat (of type kind) with
// extra members.
func groupMessage(updateID, messageID, chat int64, kind, extra string) string {
	return `{"update_id":` + strconv.FormatInt(updateID, 10) + `,"message":{"message_id":` + strconv.FormatInt(messageID, 10) +
		`,"from":{"id":111222333,"is_bot":false,"first_name":"Ada"},"chat":{"id":` + strconv.FormatInt(chat, 10) +
		`,"title":"Acme customers","type":"` + kind + `"},"date":1441645600` + extra + `}}`
}

// identities lists the external ids of the channel's identities, by
// contact.
func identities(t *testing.T, d *db.DB, channelID int64) map[string]int64 {
	t.Helper()
	rows, err := d.Reader().Query(context.Background(), `SELECT external_id, contact_id FROM contact_identities WHERE channel_id = ?`, channelID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ext string
		var id int64
		if err := rows.Scan(&ext, &id); err != nil {
			t.Fatal(err)
		}
		out[ext] = id
	}
	return out
}

// A group upgraded to a supergroup takes a new chat id, and Telegram says
// so with a message in each chat (migrate_to_chat_id in the group's,
// migrate_from_chat_id in the supergroup's), in either order: the group's
// contact is then known by the new id, and the supergroup's messages go
// on in the same conversation instead of a new contact's.
func TestGroupUpgradedToSupergroupKeepsItsContact(t *testing.T) {
	to := `,"migrate_to_chat_id":` + strconv.FormatInt(newSupergroup, 10)
	from := `,"migrate_from_chat_id":` + strconv.FormatInt(oldGroup, 10)
	for _, tc := range []struct {
		name    string
		notices []string
	}{
		{"migrate_to first", []string{groupMessage(2, 21, oldGroup, "group", to), groupMessage(3, 1, newSupergroup, "supergroup", from)}},
		{"migrate_from first", []string{groupMessage(3, 1, newSupergroup, "supergroup", from), groupMessage(2, 21, oldGroup, "group", to)}},
		{"migrate_from alone", []string{groupMessage(3, 1, newSupergroup, "supergroup", from)}},
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
				before := identities(t, d, f.ch.ID)[strconv.FormatInt(oldGroup, 10)]
				for _, n := range tc.notices {
					post(n)
				}
				post(groupMessage(4, 2, newSupergroup, "supergroup", `,"text":"Still down for us"`))
				got := identities(t, d, f.ch.ID)
				if len(got) != 1 || got[strconv.FormatInt(newSupergroup, 10)] != before {
					t.Errorf("identities %v; want the group's contact (%d) known by the supergroup's id alone", got, before)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations`); n != 1 {
					t.Errorf("%d conversations; want the group's one", n)
				}
			})
		})
	}
}

// A send to a group that became a supergroup is refused with the new
// chat id (400, parameters.migrate_to_chat_id): it is sent again there,
// and the contact's identity moves to the new id, so the next send goes
// there at once.
func TestSendToAnUpgradedGroupGoesToTheSupergroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, groupMessage(1, 20, oldGroup, "group", `,"text":"Is the API down?"`)); status != 200 {
			t.Fatalf("status %d %v", status, out)
		}
		contactID := identities(t, d, f.ch.ID)[strconv.FormatInt(oldGroup, 10)]

		api := newBotAPI(t)
		p := api.provider()
		p.Identities = contact.New(d)
		ch := f.ch
		ch.Config, ch.SecretConfig = api.channel().Config, api.channel().SecretConfig
		api.queue("sendMessage", 400, `{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat",`+
			`"parameters":{"migrate_to_chat_id":`+strconv.FormatInt(newSupergroup, 10)+`}}`)
		id, err := p.Send(ctx, ch, strconv.FormatInt(oldGroup, 10), msgOf("text", "We are looking into it", ""))
		if err != nil {
			t.Fatal(err)
		}
		calls := api.made()
		if len(calls) != 2 || calls[1].Params["chat_id"] != float64(newSupergroup) || calls[1].Params["text"] != "We are looking into it" {
			t.Fatalf("calls %+v; want the send again to the supergroup", calls)
		}
		if want := strconv.FormatInt(newSupergroup, 10) + ":"; len(id) <= len(want) || id[:len(want)] != want {
			t.Errorf("provider id %q; want the supergroup's message", id)
		}
		if got := identities(t, d, f.ch.ID); len(got) != 1 || got[strconv.FormatInt(newSupergroup, 10)] != contactID {
			t.Errorf("identities %v; want contact %d known by the supergroup's id", got, contactID)
		}
	})
}

// A send that learns of the upgrade after the supergroup wrote (its
// messages came first, making a contact of their own) makes the two
// contacts one, as the notice does (JoinIdentityTx): the group's, the
// older, known by the supergroup's id alone (was: the move was skipped,
// two contacts for one chat).
func TestSendLearningTheUpgradeJoinsTheSupergroupsContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		for _, body := range []string{groupMessage(1, 20, oldGroup, "group", `,"text":"Is the API down?"`),
			groupMessage(2, 2, newSupergroup, "supergroup", `,"text":"Still down for us"`)} {
			if status, out := f.post(t, f.url(f.ch.ID), f.ch.Token, body); status != 200 {
				t.Fatalf("status %d %v", status, out)
			}
		}
		group := identities(t, d, f.ch.ID)[strconv.FormatInt(oldGroup, 10)]

		api := newBotAPI(t)
		p := api.provider()
		contacts := contact.New(d)
		contacts.SetConversationCloser(conversation.CloseForMergeTx)
		p.Identities = contacts
		ch := f.ch
		ch.Config, ch.SecretConfig = api.channel().Config, api.channel().SecretConfig
		api.queue("sendMessage", 400, `{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat",`+
			`"parameters":{"migrate_to_chat_id":`+strconv.FormatInt(newSupergroup, 10)+`}}`)
		if _, err := p.Send(ctx, ch, strconv.FormatInt(oldGroup, 10), msgOf("text", "We are looking into it", "")); err != nil {
			t.Fatal(err)
		}
		if got := identities(t, d, f.ch.ID); len(got) != 1 || got[strconv.FormatInt(newSupergroup, 10)] != group {
			t.Errorf("identities %v; want the group's contact %d known by the supergroup's id alone", got, group)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 1 {
			t.Errorf("%d contacts, want the group's alone", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ?`, group); n != 2 {
			t.Errorf("%d of the two messages are the group contact's", n)
		}
	})
}
