package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/custom"
	"github.com/switchboard-chat/switchboard/internal/channel/email"
	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/channel/twilio"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// nodeAddressers is the channel service a node wires into the engine
// (app.wireWorkflows): the real providers say which types reach a contact
// by phone or email, and how they spell it.
func nodeAddressers(t *testing.T, d *db.DB) *channel.Service {
	t.Helper()
	reg, err := channel.NewRegistry(custom.New(http.DefaultClient), telegram.New(http.DefaultClient),
		twilio.New(http.DefaultClient, ""), whatsapp.New(http.DefaultClient), email.New(http.DefaultClient))
	if err != nil {
		t.Fatal(err)
	}
	return channel.NewWithOptions(d, channel.Options{Registry: reg})
}

// addChannelRow inserts a channel of the type in f's workspace, as its
// connection leaves it (the step reads only its type).
func (f *fixture) addChannelRow(typ string) int64 {
	f.t.Helper()
	ctx := context.Background()
	var id int64
	err := f.d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, ?, ?, ?, '{}', ?) RETURNING id`, f.wsp.ID, typ, typ, "token-"+typ, tx.Now()).Scan(&id)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// runOfContact waits for the one run of workflow w for a contact to
// settle and returns it.
func (f *fixture) runOfContact(w Workflow, contactID int64) Run {
	f.t.Helper()
	var id int64
	f.eventually(fmt.Sprintf("a run of %q for contact %d", w.Name, contactID), func() bool {
		err := f.d.Reader().QueryRow(context.Background(), `SELECT id FROM workflow_runs WHERE workflow_id = ? AND contact_id = ?`,
			w.ID, contactID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			f.t.Fatal(err)
		}
		return id != 0
	})
	return f.settle(w, id)
}

// A workflow triggered on a contact (a tag added to an imported contact,
// who never wrote) opens a conversation on WhatsApp, SMS or email: the
// identity is made from the contact's phone or email with the
// conversation. What cannot be reached (no such field, a channel that
// reaches only those who wrote first, the phone known there as another
// contact) takes the step's failure exit with the reason in the run's
// history and writes neither an identity nor a conversation; the other
// runs of the consumer's batch go on.
func TestOpenConversationOnAChannelTheContactNeverWroteOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, func(f *fixture) { f.addressers = nodeAddressers(t, d) })
		ctx := context.Background()
		chans := map[string]int64{"custom": f.ch.ID}
		for _, typ := range []string{"whatsapp", "twilio", "email", "telegram"} {
			chans[typ] = f.addChannelRow(typ)
		}
		// The holder wrote on WhatsApp from the number Ann is imported with.
		holder, err := f.contacts.Create(ctx, f.wsp.ID, contactInput("Holder"))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?, ?)`,
				f.wsp.ID, chans["whatsapp"], "14155550120", holder.ID, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name, channel, phone, email string
			wantExternal                string // the identity made; "" when the step fails
			wantError                   string // in the failure's history line
		}{
			{name: "whatsapp by phone", channel: "whatsapp", phone: "+14155550101", wantExternal: "14155550101"},
			{name: "sms by phone", channel: "twilio", phone: "+14155550102", email: "b@example.com", wantExternal: "+14155550102"},
			{name: "email by address", channel: "email", email: "C@Example.com", wantExternal: "c@example.com"},
			{name: "whatsapp without a phone", channel: "whatsapp", email: "d@example.com", wantError: "the contact has no phone number"},
			{name: "sms without a phone", channel: "twilio", wantError: "the contact has no phone number"},
			{name: "email without an address", channel: "email", phone: "+14155550106", wantError: "the contact has no email address"},
			{name: "telegram", channel: "telegram", phone: "+14155550107", email: "g@example.com", wantError: "reaches only contacts who wrote to it first"},
			{name: "custom", channel: "custom", phone: "+14155550108", wantError: "reaches only contacts who wrote to it first"},
			{name: "phone known as another contact", channel: "whatsapp", phone: "+14155550120",
				wantError: fmt.Sprintf("contact %d is known on channel %d as 14155550120", holder.ID, chans["whatsapp"])},
		}
		// One workflow per case, all deployed before any runs: the tags
		// added below start their runs in the consumer's batches together.
		flows := make([]Workflow, len(tests))
		who := make([]int64, len(tests))
		for i, tt := range tests {
			flows[i] = f.deploy(fmt.Sprintf(`{"name": %q, "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["reach-%d"], "action": "added"}},
				"steps": [{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}, "exits": {"next": "ok", "failure": "unreachable"}},
					{"id": "ok", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["opened"]}},
					{"id": "unreachable", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["unreachable"]}}]}`,
				tt.name, i, chans[tt.channel]))
			in := contactInput(fmt.Sprintf("C%d", i))
			if tt.phone != "" {
				in.Phone = &tt.phone
			}
			if tt.email != "" {
				in.Email = &tt.email
			}
			c, err := f.contacts.Create(ctx, f.wsp.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			who[i] = c.ID
		}
		for i := range tests {
			if err := f.contacts.SetTag(ctx, access.System(f.wsp.ID), who[i], fmt.Sprintf("reach-%d", i), true); err != nil {
				t.Fatal(err)
			}
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				run := f.runOfContact(flows[i], who[i])
				open := run.History[0]
				got, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), who[i])
				identities := f.count(`SELECT COUNT(*) FROM contact_identities WHERE contact_id = ?`, who[i])
				if tt.wantExternal == "" {
					if run.Status != StatusFinished || open.Exit != "failure" || !strings.Contains(open.Error, tt.wantError) || !slices.Contains(got.Tags, "unreachable") {
						t.Fatalf("run %s %q, open %+v, tags %q; want the failure exit saying %q", run.Status, run.Error, open, got.Tags, tt.wantError)
					}
					if n := f.count(`SELECT COUNT(*) FROM conversations WHERE contact_id = ?`, who[i]); n != 0 || identities != 0 || run.ConversationID != 0 {
						t.Errorf("a refused open wrote %d conversations, %d identities; run on conversation %d", n, identities, run.ConversationID)
					}
					return
				}
				if run.Status != StatusFinished || open.Exit != "next" || open.Error != "" || !slices.Contains(got.Tags, "opened") {
					t.Fatalf("run %s %q, open %+v, tags %q", run.Status, run.Error, open, got.Tags)
				}
				conv, err := f.conv.Get(ctx, access.System(f.wsp.ID), run.ConversationID)
				if err != nil || conv.ContactID != who[i] || conv.ChannelID != chans[tt.channel] || conv.OpenedSource != "workflow" || conv.Status != "open" {
					t.Fatalf("conversation %+v, %v", conv, err)
				}
				var ext string
				if err := d.Reader().QueryRow(ctx, `SELECT external_id FROM contact_identities WHERE contact_id = ? AND channel_id = ?`,
					who[i], chans[tt.channel]).Scan(&ext); err != nil || ext != tt.wantExternal || identities != 1 {
					t.Errorf("identity %q, %v (%d in all); want %q", ext, err, identities, tt.wantExternal)
				}
			})
		}
	})
}

// A contact with a conversation open (on any channel) keeps it: the step
// adopts it, as it always has, and makes no identity on the step's
// channel; one conversation stays open.
func TestOpenConversationOnAnotherChannelAdoptsTheOpenOne(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixtureWith(t, d, func(f *fixture) { f.addressers = nodeAddressers(t, d) })
		ctx := context.Background()
		wa := f.addChannelRow("whatsapp")
		got := f.write("site-ann", "hi") // open on the custom channel
		phone := "+14155550130"
		if _, err := f.contacts.Update(ctx, access.System(f.wsp.ID), got.ContactID, contact.Input{Phone: &phone}); err != nil {
			t.Fatal(err)
		}
		w := f.manual("reach", fmt.Sprintf(`[{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}}]`, wa))
		run := f.settle(w, f.startFor(w, got.ContactID))
		if run.Status != StatusFinished || run.History[0].Outcome != fmt.Sprintf("conversation %d was already open", got.ConversationID) {
			t.Fatalf("run %s %q, history %+v", run.Status, run.Error, run.History)
		}
		if n := f.count(`SELECT COUNT(*) FROM contact_identities WHERE contact_id = ? AND channel_id = ?`, got.ContactID, wa); n != 0 {
			t.Errorf("%d identities made on the step's channel", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM conversations WHERE contact_id = ?`, got.ContactID); n != 1 {
			t.Errorf("%d conversations, want the one open", n)
		}
	})
}
