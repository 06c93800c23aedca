package contact_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

type mergeFixture struct {
	d      *db.DB
	clock  *clock.Fake
	ws     int64
	chA    int64
	chB    int64
	svc    *contact.Service
	convs  *conversation.Service
	system access.Principal
}

func newMergeFixture(t *testing.T, d *db.DB) *mergeFixture {
	t.Helper()
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(fake)
	ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	f := &mergeFixture{d: d, clock: fake, ws: ws.ID, svc: contact.New(d), convs: conversation.New(d), system: access.System(ws.ID)}
	f.svc.SetConversationCloser(conversation.CloseForMergeTx)
	for i, dst := range []*int64{&f.chA, &f.chB} {
		err = d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
				VALUES (?, 'custom', ?, ?, '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, ws.ID, fmt.Sprint("ch", i), fmt.Sprint("tok", i), tx.Now()).Scan(dst)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *mergeFixture) receive(t *testing.T, ch int64, external, providerID string, profile contact.Input) conversation.Received {
	t.Helper()
	r, err := f.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws,
		ChannelID: ch, ExternalID: external, ProviderMessageID: providerID, Type: "text", Text: "hi", Profile: profile}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0]
}

func ptr(s string) *string { return &s }

func TestMergeMovesEverythingAndKeepsOneOpenConversation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		if _, err := f.svc.CreateField(ctx, f.ws, contact.Field{Key: "plan", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateField(ctx, f.ws, contact.Field{Key: "city", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		// The older contact: Telegram-like id, email, plan=pro, tag vip.
		old := f.receive(t, f.chA, "tg-1", "m1", contact.Input{FirstName: ptr("Ada"), Email: ptr("ada@example.com")})
		if _, err := f.svc.Update(ctx, f.system, old.ContactID, contact.Input{Fields: map[string]any{"plan": "pro"}, Tags: []string{"vip"}}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		// The newer one: a phone, plan=free and city=Paris, tag lead.
		young := f.receive(t, f.chB, "+33612345678", "m2", contact.Input{FirstName: ptr("Ada L."), LastName: ptr("Lovelace")})
		if _, err := f.svc.Update(ctx, f.system, young.ContactID, contact.Input{Fields: map[string]any{"plan": "free", "city": "Paris"}, Tags: []string{"lead"}}); err != nil {
			t.Fatal(err)
		}
		// A closed past conversation of the newer contact.
		if _, err := f.convs.Close(ctx, f.system, young.ConversationID, conversation.CloseInput{Source: conversation.SourceUser}); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		young2 := f.receive(t, f.chB, "+33612345678", "m3", contact.Input{})
		if young2.ConversationID == young.ConversationID || !young2.Opened {
			t.Fatalf("second receive did not open a new conversation: %+v", young2)
		}

		// The workspace requires closing notes: the merge closes without them.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE workspaces SET closing_notes_mode = 'both_required' WHERE id = ?`, f.ws)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Merge the older into the newer, keeping the newer's first name.
		res, err := f.svc.Merge(ctx, f.system, young.ContactID, contact.MergeInput{From: old.ContactID, Keep: map[string]string{"first_name": "into"}})
		if err != nil {
			t.Fatal(err)
		}
		c := res.Contact
		if c.ID != young.ContactID || c.FirstName != "Ada L." || c.LastName != "Lovelace" || c.Email != "ada@example.com" || c.Phone != "+33612345678" {
			t.Errorf("merged standard fields = %+v", c)
		}
		if c.Fields["plan"] != "pro" || c.Fields["city"] != "Paris" {
			t.Errorf("merged custom fields = %v, want the older plan (pro) and city Paris", c.Fields)
		}
		if fmt.Sprint(c.Tags) != "[lead vip]" {
			t.Errorf("tags = %v", c.Tags)
		}
		if res.MovedIdentities != 1 || res.MovedConversations != 1 {
			t.Errorf("moved identities %d, conversations %d; want 1 and 1", res.MovedIdentities, res.MovedConversations)
		}
		// Both had an open conversation: the newer (young2) is closed, the older stays open.
		if res.ClosedConversationID != young2.ConversationID {
			t.Errorf("closed %d, want the newer open conversation %d", res.ClosedConversationID, young2.ConversationID)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, c.ID); n != 1 {
			t.Errorf("open conversations of the kept contact = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND id = ? AND status = 'open'`, c.ID, old.ConversationID); n != 1 {
			t.Errorf("the older open conversation is not open under the kept contact")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ?`, c.ID); n != 3 {
			t.Errorf("conversations of the kept contact = %d, want 3", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ?`, c.ID); n != 3 {
			t.Errorf("messages of the kept contact = %d, want 3", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts WHERE id = ?`, old.ContactID); n != 0 {
			t.Errorf("merged contact still exists")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'contact.merged' AND contact_id = ?`, c.ID); n != 1 {
			t.Errorf("contact.merged events = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.closed' AND conversation_id = ?`, young2.ConversationID); n != 1 {
			t.Errorf("no conversation.closed for the closed conversation")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE id = ? AND closed_source = 'api' AND close_summary LIKE 'Closed by merging%'`, young2.ConversationID); n != 1 {
			t.Errorf("the closed conversation lacks its source or note")
		}
		// The merged contact's identity now reaches the kept contact's open conversation.
		r := f.receive(t, f.chA, "tg-1", "m4", contact.Input{})
		if r.ContactID != c.ID || r.ConversationID != old.ConversationID {
			t.Errorf("a message to the moved identity went to %+v", r)
		}
	})
}

func TestMergeRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		a, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("A")})
		b, _ := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("B")})
		agent := access.Principal{WorkspaceID: f.ws, UserID: 99, Role: access.RoleAgent, Can: access.Permissions{SeeAllConversations: true}}
		for _, tc := range []struct {
			name string
			p    access.Principal
			into int64
			in   contact.MergeInput
			kind apperr.Kind
		}{
			{"agent without delete_contacts", agent, a.ID, contact.MergeInput{From: b.ID}, apperr.KindForbidden},
			{"into itself", f.system, a.ID, contact.MergeInput{From: a.ID}, apperr.KindInvalid},
			{"no from", f.system, a.ID, contact.MergeInput{}, apperr.KindInvalid},
			{"missing from", f.system, a.ID, contact.MergeInput{From: 12345}, apperr.KindNotFound},
			{"missing into", f.system, 12345, contact.MergeInput{From: a.ID}, apperr.KindNotFound},
			{"bad keep value", f.system, a.ID, contact.MergeInput{From: b.ID, Keep: map[string]string{"first_name": "both"}}, apperr.KindInvalid},
			{"unknown keep field", f.system, a.ID, contact.MergeInput{From: b.ID, Keep: map[string]string{"shoe_size": "from"}}, apperr.KindInvalid},
		} {
			_, err := f.svc.Merge(ctx, tc.p, tc.into, tc.in)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != tc.kind {
				t.Errorf("%s: %v, want kind %v", tc.name, err, tc.kind)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 2 {
			t.Errorf("a refused merge changed the contacts: %d", n)
		}
	})
}

// Receives for both contacts' identities hammer while they are merged:
// every message is stored once, under the kept contact in the end, and
// the kept contact has one open conversation at most.
func TestMergeDuringConcurrentReceives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		a := f.receive(t, f.chA, "alice-a", "seed-a", contact.Input{FirstName: ptr("Alice")})
		b := f.receive(t, f.chB, "alice-b", "seed-b", contact.Input{FirstName: ptr("Alice")})
		const senders, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, senders*each+1)
		for g := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, ext := f.chA, "alice-a"
				if g%2 == 1 {
					ch, ext = f.chB, "alice-b"
				}
				for i := range each {
					_, err := f.convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws,
						ChannelID: ch, ExternalID: ext, ProviderMessageID: fmt.Sprintf("g%d-%d", g, i), Type: "text", Text: "x"}})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.svc.Merge(ctx, f.system, a.ContactID, contact.MergeInput{From: b.ContactID}); err != nil {
				errs <- err
			}
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 1 {
			t.Errorf("contacts = %d, want 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, a.ContactID); n > 1 {
			t.Errorf("open conversations of the kept contact = %d, want at most 1", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE contact_id = ?`, a.ContactID); n != senders*each+2 {
			t.Errorf("messages of the kept contact = %d, want %d", n, senders*each+2)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM messages WHERE conversation_id IS NULL OR conversation_id NOT IN (SELECT id FROM conversations)`); n != 0 {
			t.Errorf("%d messages outside any conversation", n)
		}
	})
}

func TestMergeSuggestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		// Same phone in two forms: a contact's E.164 phone, and a WhatsApp-like id.
		p1 := f.receive(t, f.chA, "+33612345678", "1", contact.Input{FirstName: ptr("Paul")})
		p2 := f.receive(t, f.chB, "0612345678", "2", contact.Input{FirstName: ptr("P")})
		// Same email in different case.
		e1 := f.receive(t, f.chA, "e-1", "3", contact.Input{FirstName: ptr("Eve"), Email: ptr("eve@example.com")})
		e2 := f.receive(t, f.chB, "EVE@Example.com", "4", contact.Input{FirstName: ptr("Evie")})
		// Same name on two channels, and on the same channel (not suggested).
		n1 := f.receive(t, f.chA, "n-1", "5", contact.Input{FirstName: ptr("Grace"), LastName: ptr("Hopper")})
		n2 := f.receive(t, f.chB, "n-2", "6", contact.Input{FirstName: ptr("grace"), LastName: ptr("hopper")})
		f.receive(t, f.chA, "z-1", "7", contact.Input{FirstName: ptr("Zed")})
		f.receive(t, f.chA, "z-2", "8", contact.Input{FirstName: ptr("Zed")})
		got, err := f.svc.MergeSuggestions(ctx, f.system)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int64{"phone": {p1.ContactID, p2.ContactID}, "email": {e1.ContactID, e2.ContactID}, "name": {n1.ContactID, n2.ContactID}}
		if len(got) != 3 {
			t.Fatalf("suggestions = %+v, want 3", got)
		}
		for _, s := range got {
			w := want[s.Reason]
			if s.A.ID != w[0] || s.B.ID != w[1] {
				t.Errorf("%s suggestion = %d+%d, want %d+%d", s.Reason, s.A.ID, s.B.ID, w[0], w[1])
			}
		}
	})
}

func TestPhoneKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"+33 6 12 34 56 78", "0612345678"}, {"0033612345678", "+33612345678"}, {"(415) 555-0123", "+1 415 555 0123"},
	} {
		if contact.PhoneKey(tc.a) != contact.PhoneKey(tc.b) || contact.PhoneKey(tc.a) == "" {
			t.Errorf("PhoneKey(%q) = %q, PhoneKey(%q) = %q", tc.a, contact.PhoneKey(tc.a), tc.b, contact.PhoneKey(tc.b))
		}
	}
	if contact.PhoneKey("tg-12345678") != "" || contact.PhoneKey("123") != "" {
		t.Error("non-phones got a key")
	}
}

func pageFirst() page.Request { return page.First() }

// The Workflow Builder's test contacts live apart (migration 023): the
// inbox leaves them and their conversations out by the contact, while the
// counts leave out conversations opened as test ones. A merge across the
// line hid a real customer's conversation from every list under a test
// contact (still counted), or put a test conversation in the inbox
// (uncounted), so lists and counts disagreed for good. It is refused,
// either way, and nothing moves.
func TestMergeRefusesATestContact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		real := f.receive(t, f.chA, "+14155550101", "m-real", contact.Input{FirstName: ptr("Real")})
		tc, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Tester")})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE contacts SET is_test = 1 WHERE id = ?`, tc.ID); err != nil { // as the test panel makes one
				return err
			}
			// On a channel, as the test panel's are (a conversation needs one).
			_, err := tx.Exec(ctx, `INSERT INTO contact_identities (workspace_id, channel_id, external_id, contact_id, created_at) VALUES (?, ?, 'tester', ?, 0)`,
				f.ws, f.chA, tc.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.convs.Open(ctx, f.system, conversation.OpenInput{ContactID: tc.ID, Source: conversation.SourceAPI}); err != nil {
			t.Fatal(err)
		}
		for _, tcase := range []struct {
			name       string
			into, from int64
		}{{"a real contact into a test one", tc.ID, real.ContactID}, {"a test contact into a real one", real.ContactID, tc.ID}} {
			if _, err := f.svc.Merge(ctx, f.system, tcase.into, contact.MergeInput{From: tcase.from}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("merging %s: %v, want a 422", tcase.name, err)
			}
			list, err := f.convs.List(ctx, f.system, conversation.ListFilter{Status: conversation.StatusOpen}, page.First())
			if err != nil {
				t.Fatal(err)
			}
			counts, err := f.convs.Counts(ctx, f.system, conversation.StatusOpen)
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Data) != 1 || list.Data[0].ID != real.ConversationID || counts.All != 1 {
				t.Fatalf("after merging %s the inbox lists %v and counts %d, want the real conversation %d alone",
					tcase.name, list.Data, counts.All, real.ConversationID)
			}
		}
	})
}
