package conversation

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Unread is each person's own: a conversation is unread for them when the
// contact wrote since they last marked it read; marking it unread forgets
// that; a workspace token has no unread state and cannot mark one.
func TestUnreadIsEachPersons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		seeAll := access.Permissions{SeeAllConversations: true}
		ana := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[0], Role: access.RoleAgent, Can: seeAll}
		ben := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[1], Role: access.RoleAgent, Can: seeAll}
		conv := f.convs[1]
		unread := func(p access.Principal) *bool {
			t.Helper()
			pg, err := f.svc.List(ctx, p, ListFilter{ContactID: conv.ContactID}, page.First())
			if err != nil || len(pg.Data) != 1 {
				t.Fatalf("list: %v, %v", pg.Data, err)
			}
			return pg.Data[0].Unread
		}
		is := func(who string, p access.Principal, want bool) {
			t.Helper()
			if got := unread(p); got == nil || *got != want {
				t.Fatalf("%s: unread = %v, want %v", who, got, want)
			}
		}
		is("Ana before reading", ana, true)
		if _, err := f.svc.MarkRead(ctx, ana, conv.ID, true); err != nil {
			t.Fatal(err)
		}
		is("Ana after reading", ana, false)
		is("Ben, who has not read it", ben, true)

		f.clock.Advance(time.Minute)
		if _, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14155550001", "read-1", "one more thing")}); err != nil {
			t.Fatal(err)
		}
		is("Ana after the contact wrote again", ana, true)
		if _, err := f.svc.MarkRead(ctx, ana, conv.ID, true); err != nil {
			t.Fatal(err)
		}
		is("Ana after reading again", ana, false)
		if _, err := f.svc.MarkRead(ctx, ana, conv.ID, false); err != nil {
			t.Fatal(err)
		}
		is("Ana after marking it unread", ana, true)

		if got := unread(access.System(f.ws.ID)); got != nil {
			t.Fatalf("a workspace token's list says unread = %v", *got)
		}
		if _, err := f.svc.MarkRead(ctx, access.System(f.ws.ID), conv.ID, true); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Fatalf("a workspace token marking read: %v, want 400", err)
		}
		for _, c := range f.convs {
			if !f.agent.SeesConversation(c.AssigneeID, c.TeamID) {
				if _, err := f.svc.MarkRead(ctx, f.agent, c.ID, true); apperr.KindOf(err) != apperr.KindNotFound {
					t.Fatalf("marking a conversation out of sight: %v, want 404", err)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversation_reads WHERE user_id = ?`, f.agent.UserID); n != 0 {
					t.Fatalf("%d reads stored for a conversation out of sight", n)
				}
				return
			}
		}
		t.Fatal("the fixture has no conversation out of the agent's sight")
	})
}
