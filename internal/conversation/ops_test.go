package conversation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func (f *fixture) openOne(t *testing.T, external string) Received {
	t.Helper()
	r, err := f.svc.Receive(context.Background(), []Inbound{f.inbound(external, "open-"+external, "hi")})
	if err != nil {
		t.Fatal(err)
	}
	return r[0]
}

func TestCloseNotesModes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ws := workspace.New(d)
		if _, err := f.svc.CreateCategory(ctx, f.ws.ID, "Resolved"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			mode      string
			in        CloseInput
			wantField string // "" means the close succeeds
		}{
			{"optional", CloseInput{}, ""},
			{"optional", CloseInput{Category: "Nope"}, "category"},
			{"category_required", CloseInput{Summary: "done"}, "category"},
			{"category_required", CloseInput{Category: "Resolved"}, ""},
			{"both_required", CloseInput{Category: "Resolved"}, "summary"},
			{"both_required", CloseInput{Summary: "done"}, "category"},
			{"both_required", CloseInput{Category: "Resolved", Summary: "refund sent"}, ""},
		}
		for i, tt := range tests {
			mode := tt.mode
			if _, err := ws.Update(ctx, f.ws.ID, workspace.Settings{ClosingNotesMode: &mode}); err != nil {
				t.Fatal(err)
			}
			r := f.openOne(t, fmt.Sprintf("c%d", i))
			before := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`)
			tt.in.Source = SourceUser
			c, err := f.svc.Close(ctx, access.System(f.ws.ID), r.ConversationID, tt.in)
			if tt.wantField == "" {
				if err != nil || c.Status != StatusClosed || c.CloseCategory != tt.in.Category {
					t.Errorf("%s %+v: got %+v, %v; want closed", tt.mode, tt.in, c, err)
				}
				continue
			}
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != tt.wantField {
				t.Errorf("%s %+v: err = %v, want invalid %s", tt.mode, tt.in, err, tt.wantField)
			}
			if after := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`); after != before {
				t.Errorf("a refused close appended %d events", after-before)
			}
			if got, _ := f.svc.Get(ctx, access.System(f.ws.ID), r.ConversationID); got.Status != StatusOpen {
				t.Errorf("a refused close changed the status to %s", got.Status)
			}
		}
	})
}

func TestOpenByUserAndConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r := f.openOne(t, "+14155550199")
		if _, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: r.ContactID, Source: SourceAPI}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("second open = %v, want conflict", err)
		}
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r.ConversationID, CloseInput{Source: SourceAPI}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), r.ConversationID, CloseInput{Source: SourceAPI}); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("closing twice = %v, want conflict", err)
		}
		c, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: r.ContactID, Source: SourceUser})
		if err != nil || c.OpenedSource != SourceUser || c.ChannelID != f.channel.ID {
			t.Fatalf("open by user = %+v, %v", c, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.opened' AND payload LIKE '%"source":"user"%'`); n != 1 {
			t.Errorf("opened-by-user events = %d, want 1", n)
		}
		// Many concurrent opens of the same contact: exactly one wins.
		if _, err := f.svc.Close(ctx, access.System(f.ws.ID), c.ID, CloseInput{Source: SourceAPI}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.svc.Open(ctx, access.System(f.ws.ID), OpenInput{ContactID: r.ContactID, Source: SourceAPI}); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, apperr.ErrConflict) {
					t.Errorf("concurrent open: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("concurrent opens won %d times, want 1", wins)
		}
	})
}

func TestAssignUnassign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ws := workspace.New(d)
		agent, err := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "a@x.io", Name: "A"})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := ws.Create(ctx, "Other", "UTC")
		stranger, _ := ws.CreateUser(ctx, other.ID, workspace.NewUser{Email: "s@x.io", Name: "S"})
		r := f.openOne(t, "x")
		assign := func(in AssignInput) (c Conversation, err error) {
			err = d.Write(ctx, func(tx *db.Tx) error { c, err = AssignTx(ctx, tx, f.ws.ID, r.ConversationID, in); return err })
			return c, err
		}
		if _, err := assign(AssignInput{UserID: stranger.ID, Source: SourceAPI}); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("assigning a user of another workspace = %v, want invalid", err)
		}
		c, err := assign(AssignInput{UserID: agent.ID, Source: SourceAPI, Reason: "manual"})
		if err != nil || c.AssigneeID != agent.ID {
			t.Fatalf("assign = %+v, %v", c, err)
		}
		if c, err = f.svc.Unassign(ctx, access.System(f.ws.ID), r.ConversationID, SourceAPI, 0); err != nil || c.AssigneeID != 0 {
			t.Fatalf("unassign = %+v, %v", c, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type IN ('conversation.assigned', 'conversation.unassigned')`); n != 2 {
			t.Errorf("assignment events = %d, want 2", n)
		}
		// Closing remembers the last assignee on the contact.
		assign(AssignInput{UserID: agent.ID, Source: SourceAPI})
		f.svc.Close(ctx, access.System(f.ws.ID), r.ConversationID, CloseInput{Source: SourceAPI})
		if n := dbtest.Count(t, d, `SELECT COALESCE(last_assignee_id, 0) FROM contacts WHERE id = ?`, r.ContactID); int64(n) != agent.ID {
			t.Errorf("contact's last assignee = %d, want %d", n, agent.ID)
		}
	})
}

func TestSnoozeWokenByMessageAndTimer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r := f.openOne(t, "s1")
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), r.ConversationID, f.clock.Now().Add(-time.Second), 0); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("snooze in the past = %v, want invalid", err)
		}
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), r.ConversationID, f.clock.Now().Add(time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		// A contact message wakes it, in the same conversation.
		got, err := f.svc.Receive(ctx, []Inbound{f.inbound("s1", "wake", "back")})
		if err != nil || got[0].ConversationID != r.ConversationID || got[0].Opened {
			t.Fatalf("message to a snoozed conversation = %+v, %v", got, err)
		}
		if c, _ := f.svc.Get(ctx, access.System(f.ws.ID), r.ConversationID); c.Status != StatusOpen {
			t.Fatalf("status after contact message = %s, want open", c.Status)
		}
		// The timer wakes another one when its time comes, not before.
		r2 := f.openOne(t, "s2")
		g := background.NewGroup(f.clock)
		backgroundtest.Run(t, g, f.svc.SnoozeTimer(g))
		if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), r2.ConversationID, f.clock.Now().Add(5*time.Minute), 0); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(5*time.Minute - time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if c, _ := f.svc.Get(ctx, access.System(f.ws.ID), r2.ConversationID); c.Status != StatusSnoozed {
			t.Fatalf("status a millisecond before the snooze ends = %s, want snoozed", c.Status)
		}
		f.clock.Advance(time.Millisecond)
		backgroundtest.WaitIdle(t, g)
		if c, _ := f.svc.Get(ctx, access.System(f.ws.ID), r2.ConversationID); c.Status != StatusOpen {
			t.Fatalf("status when the snooze ends = %s, want open", c.Status)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'conversation.unsnoozed' AND payload LIKE '%"reason":"timer"%'`); n != 1 {
			t.Errorf("timer unsnooze events = %d, want 1", n)
		}
	})
}

func TestCommentMentions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ws := workspace.New(d)
		ana, _ := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "ana@acme.io", Name: "Ana"})
		bo, _ := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "bo@acme.io", Name: "Bo"})
		r := f.openOne(t, "m1")
		c, err := f.svc.AddComment(ctx, access.System(f.ws.ID), r.ConversationID, CommentInput{Text: "@ana@acme.io please check, cc @nobody@acme.io", Mentions: []int64{bo.ID}, UserID: bo.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{ana.ID, bo.ID}
		if fmt.Sprint(c.Mentions) != fmt.Sprint(want) {
			t.Errorf("mentions = %v, want %v", c.Mentions, want)
		}
		if _, err := f.svc.AddComment(ctx, access.System(f.ws.ID), r.ConversationID, CommentInput{Text: "  "}); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("empty comment = %v, want invalid", err)
		}
		pg, _ := f.svc.ListComments(ctx, access.System(f.ws.ID), r.ConversationID, page.First())
		list := pg.Data
		if len(list) != 1 {
			t.Errorf("comments = %d, want 1", len(list))
		}
	})
}

func TestSendQueuesAndStatusMovesForward(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		r := f.openOne(t, "out1")
		m, err := f.svc.Send(ctx, access.System(f.ws.ID), r.ConversationID, SendInput{Text: "Hello!", Sender: SourceAPI})
		if err != nil || m.Status != MsgPending {
			t.Fatalf("send = %+v, %v", m, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM outbound_jobs WHERE message_id = ? AND state = 'pending'`, m.ID); n != 1 {
			t.Fatalf("queued jobs = %d, want 1", n)
		}
		steps := []struct {
			status string
			want   string
		}{{MsgSent, MsgSent}, {MsgRead, MsgRead}, {MsgDelivered, MsgRead}, {MsgFailed, MsgRead}}
		for _, s := range steps {
			if err := d.Write(ctx, func(tx *db.Tx) error { _, err := SetStatusTx(ctx, tx, m.ID, s.status, ""); return err }); err != nil {
				t.Fatal(err)
			}
			got, _ := f.svc.GetMessage(ctx, access.System(f.ws.ID), m.ID)
			if got.Status != s.want {
				t.Errorf("after %s: status %s, want %s", s.status, got.Status, s.want)
			}
		}
		got, _ := f.svc.GetMessage(ctx, access.System(f.ws.ID), m.ID)
		if len(got.History) != 5 { // pending, sent, read, and the late delivered and failed reports
			t.Errorf("history = %+v, want 5 entries", got.History)
		}
	})
}

// Writing @ and a member's email mentions them whatever their address
// holds, as long as sign-up took it: an apostrophe, non-ASCII letters, a
// domain of one label or a punycode one. The text around it (punctuation,
// case, a possessive) changes nothing, and a longer address never mentions
// the member whose address it begins with. Only plain ASCII addresses with
// a letters-only top-level domain used to match: a workflow's "@zoë@…"
// notified no one.
func TestCommentMentionsByAnyMembersEmail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		ws := workspace.New(d)
		ids := map[string]int64{}
		for _, email := range []string{"ana@acme.io", "o'brien@acme.io", "zoë@acme.io", "ops@intranet", "ivan@shop.xn--p1ai", "ivan@shop.xn"} {
			u, err := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: email, Name: email})
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			ids[email] = u.ID
		}
		r := f.openOne(t, "m1")
		for _, tc := range []struct {
			text string
			want []string
		}{
			{"@ana@acme.io please check", []string{"ana@acme.io"}},
			{"(cc @Ana@ACME.io).", []string{"ana@acme.io"}},
			{"@ana@acme.io's turn, @ana@acme.io-", []string{"ana@acme.io"}},
			{"@nobody@acme.io,@ana@acme.io", []string{"ana@acme.io"}},
			{"@o'brien@acme.io can you call back?", []string{"o'brien@acme.io"}},
			{"refund for @zoë@acme.io", []string{"zoë@acme.io"}},
			{"@ZOË@acme.io", []string{"zoë@acme.io"}},
			{"paging @ops@intranet: the site is down", []string{"ops@intranet"}},
			{"@ivan@shop.xn--p1ai", []string{"ivan@shop.xn--p1ai"}},
			{"mail ana@acme.io", nil},
		} {
			c, err := f.svc.AddComment(ctx, access.System(f.ws.ID), r.ConversationID, CommentInput{Text: tc.text})
			if err != nil {
				t.Fatalf("%q: %v", tc.text, err)
			}
			want := []int64{}
			for _, e := range tc.want {
				want = append(want, ids[e])
			}
			if fmt.Sprint(c.Mentions) != fmt.Sprint(want) {
				t.Errorf("%q mentions %v, want %v (%v)", tc.text, c.Mentions, want, tc.want)
			}
		}
	})
}
