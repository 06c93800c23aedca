package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// fakeAddressers addresses as the providers do (channel.Addresser, which
// this package cannot import): WhatsApp by the phone without its "+",
// Twilio by the E.164 phone, email by the address; Telegram and custom
// not at all.
type fakeAddressers struct{}

func (fakeAddressers) AddressingOf(typ string) Addressing {
	switch typ {
	case "whatsapp":
		return Addressing{By: AddressPhone, ExternalID: func(v string) string { return strings.TrimPrefix(v, "+") }}
	case "twilio":
		return Addressing{By: AddressPhone, ExternalID: func(v string) string { return v }}
	case "email":
		return Addressing{By: AddressEmail, ExternalID: func(v string) string { return v }}
	}
	return Addressing{}
}

// addChannel inserts a channel row of the type in workspace ws.
func addChannel(t *testing.T, d *db.DB, ws int64, typ string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, ?, ?, 'token', '{}', ?) RETURNING id`, ws, typ, typ, tx.Now()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// addContact inserts a contact of workspace ws with the phone and email
// given ("" for none), as an import or a hand-made contact leaves it: on
// no channel.
func addContact(t *testing.T, d *db.DB, ws int64, name, phone, email string) int64 {
	t.Helper()
	ctx := context.Background()
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	var id int64
	err := d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, phone, email, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, ws, name, null(phone), null(email), tx.Now(), tx.Now()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// storeRows counts what opening a conversation writes, to show that a
// refused one wrote nothing.
func storeRows(t *testing.T, d *db.DB) string {
	t.Helper()
	return fmt.Sprint(dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_identities`), dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations`),
		dbtest.Count(t, d, `SELECT COUNT(*) FROM events`))
}

// An agent opens a conversation on a channel the contact never wrote on:
// on a channel that reaches contacts by phone or email, the identity is
// made from the contact's phone or email in the same transaction; a
// contact without that field, a channel that cannot reach a contact
// first, or another workspace's channel is 422 naming channel_id and
// changes nothing.
func TestOpenOnAChannelTheContactNeverWroteOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.svc.SetAddressers(fakeAddressers{})
		ctx := context.Background()
		chans := map[string]int64{}
		for _, typ := range []string{"whatsapp", "twilio", "email", "telegram", "messenger", "widget"} {
			chans[typ] = addChannel(t, d, f.ws.ID, typ)
		}
		chans["custom"] = f.channel.ID
		other, err := workspace.New(d).Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		chans["another workspace's"] = addChannel(t, d, other.ID, "whatsapp")

		tests := []struct {
			name, channel, phone, email string
			wantExternal                string // the identity made; "" for a 422
			wantMessage                 string // in the 422's message
		}{
			{name: "whatsapp by phone", channel: "whatsapp", phone: "+14155550101", wantExternal: "14155550101"},
			{name: "twilio by phone", channel: "twilio", phone: "+14155550102", email: "b@example.com", wantExternal: "+14155550102"},
			{name: "email by address", channel: "email", email: "c@example.com", wantExternal: "c@example.com"},
			{name: "whatsapp without a phone", channel: "whatsapp", email: "d@example.com", wantMessage: "no phone number"},
			{name: "twilio without a phone", channel: "twilio", wantMessage: "no phone number"},
			{name: "email without an address", channel: "email", phone: "+14155550105", wantMessage: "no email address"},
			{name: "telegram", channel: "telegram", phone: "+14155550106", email: "f@example.com", wantMessage: "wrote to it first"},
			{name: "messenger", channel: "messenger", phone: "+14155550107", wantMessage: "wrote to it first"},
			{name: "widget", channel: "widget", email: "h@example.com", wantMessage: "wrote to it first"},
			{name: "custom", channel: "custom", phone: "+14155550109", wantMessage: "wrote to it first"},
			{name: "another workspace's channel", channel: "another workspace's", phone: "+14155550110", wantMessage: "no channel"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				contactID := addContact(t, d, f.ws.ID, fmt.Sprintf("C%d", i), tt.phone, tt.email)
				before := storeRows(t, d)
				c, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: contactID, ChannelID: chans[tt.channel], Source: SourceUser, UserID: 0})
				if tt.wantExternal == "" {
					var ae *apperr.Error
					if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalid || ae.Field != "channel_id" || !strings.Contains(ae.Message, tt.wantMessage) {
						t.Fatalf("open = conversation %d, %v; want a 422 on channel_id saying %q", c.ID, err, tt.wantMessage)
					}
					if after := storeRows(t, d); after != before {
						t.Errorf("a refused open changed the store: %s → %s", before, after)
					}
					return
				}
				if err != nil || c.ChannelID != chans[tt.channel] || c.OpenedSource != SourceUser || c.ContactID != contactID {
					t.Fatalf("open = %+v, %v", c, err)
				}
				var ext string
				if err := d.Reader().QueryRow(ctx, `SELECT external_id FROM contact_identities WHERE contact_id = ? AND channel_id = ?`,
					contactID, chans[tt.channel]).Scan(&ext); err != nil || ext != tt.wantExternal {
					t.Errorf("identity = %q, %v; want %q", ext, err, tt.wantExternal)
				}
				// Closed and opened again, the identity it has now is used.
				if _, err := f.svc.Close(ctx, access.System(f.ws.ID), c.ID, CloseInput{Source: SourceAPI}); err != nil {
					t.Fatal(err)
				}
				if _, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: contactID, ChannelID: chans[tt.channel], Source: SourceAPI}); err != nil {
					t.Fatal(err)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_identities WHERE contact_id = ?`, contactID); n != 1 {
					t.Errorf("identities = %d, want 1", n)
				}
			})
		}
	})
}

// The identity made obeys the channel's uniqueness: another contact
// known on the channel by that phone (it wrote from it before its phone
// was changed) is a 409 naming that contact, and nothing changes. Without
// addressers a channel the contact is not on is refused as before.
func TestOpenOnAChannelTheContactNeverWroteOnConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		wa := addChannel(t, d, f.ws.ID, "whatsapp")
		holder := addContact(t, d, f.ws.ID, "Holder", "", "")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES (?, ?, ?, ?, ?)`,
				f.ws.ID, wa, "14155550120", holder, tx.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ann := addContact(t, d, f.ws.ID, "Ann", "+14155550120", "")

		before := storeRows(t, d)
		if _, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: ann, ChannelID: wa, Source: SourceUser}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("open without addressers = %v, want 422", err)
		}
		f.svc.SetAddressers(fakeAddressers{})
		_, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: ann, ChannelID: wa, Source: SourceUser})
		if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), fmt.Sprintf("contact %d", holder)) ||
			!strings.Contains(err.Error(), "14155550120") {
			t.Fatalf("open = %v, want a 409 naming contact %d and the phone", err, holder)
		}
		if after := storeRows(t, d); after != before {
			t.Errorf("a refused open changed the store: %s → %s", before, after)
		}
	})
}

// Many agents open a conversation with the same contact on a channel it
// never wrote on at once: one wins, with one identity; the others are
// conflicts (an open conversation, or the identity another made).
func TestOpenOnAChannelTheContactNeverWroteOnConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.svc.SetAddressers(fakeAddressers{})
		ctx := context.Background()
		wa := addChannel(t, d, f.ws.ID, "whatsapp")
		ann := addContact(t, d, f.ws.ID, "Ann", "+14155550130", "")
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 20 {
			wg.Go(func() {
				_, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: ann, ChannelID: wa, Source: SourceAPI})
				switch {
				case err == nil:
					mu.Lock()
					wins++
					mu.Unlock()
				case !errors.Is(err, apperr.ErrConflict):
					t.Errorf("concurrent open: %v", err)
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("concurrent opens won %d times, want 1", wins)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_identities WHERE contact_id = ?`, ann); n != 1 {
			t.Errorf("identities = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, ann); n != 1 {
			t.Errorf("open conversations = %d, want 1", n)
		}
	})
}
