package notification_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/notification"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A mention and an assignment reach the person concerned once, never the
// one who did it; the bell lists them newest first, counts the unread
// and marks them read; a conversation reassigned out of an agent's sight
// drops out of their bell.
func TestBell(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk, hub, g := runBell(t, d)
		// Its first pass places its cursor at the log's end: only what
		// happens after it starts makes notifications.
		backgroundtest.WaitIdle(t, g)

		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		conv, _ := writeIn(t, convs, ws.ID, ch, "+14155550100")
		assign := func(to, by int64) {
			t.Helper()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, conversation.AssignInput{UserID: to, ByUser: by, Source: conversation.SourceUser})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}

		assign(bob.UserID, bob.UserID) // Bob takes it himself: no bell
		if _, err := convs.AddComment(ctx, bob, conv, conversation.CommentInput{Text: "look", Mentions: []int64{ana.UserID, bob.UserID}, UserID: bob.UserID}); err != nil {
			t.Fatal(err)
		}
		assign(ana.UserID, bob.UserID) // Bob hands it to Ana
		backgroundtest.WaitIdle(t, g)

		svc := notification.New(d)
		list := func(p access.Principal, unread bool) []string {
			t.Helper()
			pg, err := svc.List(ctx, p, notification.ListFilter{UnreadOnly: unread}, page.First())
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range pg.Data {
				if n.ConversationID != conv || n.ByUserID != bob.UserID {
					t.Errorf("notification %+v: want conversation %d by Bob", n, conv)
				}
				out = append(out, n.Kind)
			}
			return out
		}
		if got := list(ana, false); !slices.Equal(got, []string{notification.KindAssignment, notification.KindMention}) {
			t.Fatalf("Ana's bell = %v, want the assignment then the mention (newest first)", got)
		}
		if got := list(bob, false); len(got) != 0 {
			t.Fatalf("Bob's bell = %v, want nothing for what he did himself", got)
		}
		if n, _ := svc.Unread(ctx, ana); n != 2 {
			t.Fatalf("Ana's unread = %d, want 2", n)
		}

		// Delivered again (the cursor rewound, a fresh consumer reads the
		// whole log), the events add nothing.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE event_consumers SET last_id = 0 WHERE name = ?`, notification.ConsumerName)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		again := background.NewGroup(clk)
		backgroundtest.Run(t, again, notification.NewConsumer(d, hub, again, 0).Run)
		backgroundtest.WaitIdle(t, again)
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM event_consumers WHERE name = 'notifications' AND last_id = (SELECT MAX(id) FROM events)`); got != 1 {
			t.Fatal("the rewound consumer did not read the log again")
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications`); got != 2 {
			t.Fatalf("%d notification rows after a redelivery, want 2", got)
		}

		first, _ := svc.List(ctx, ana, notification.ListFilter{}, page.First())
		if err := svc.MarkRead(ctx, ana, []int64{first.Data[0].ID}); err != nil {
			t.Fatal(err)
		}
		if got := list(ana, true); !slices.Equal(got, []string{notification.KindMention}) {
			t.Fatalf("Ana's unread after reading one = %v, want the mention", got)
		}
		if err := svc.MarkRead(ctx, bob, nil); err != nil { // Bob's "all" touches nothing of Ana's
			t.Fatal(err)
		}
		if n, _ := svc.Unread(ctx, ana); n != 1 {
			t.Fatalf("Ana's unread = %d after Bob read all of his, want 1", n)
		}

		// Reassigned to Bob, out of Ana's sight: it leaves her bell.
		assign(bob.UserID, bob.UserID)
		backgroundtest.WaitIdle(t, g)
		if got := list(ana, false); len(got) != 0 {
			t.Fatalf("Ana's bell = %v about a conversation she can no longer see", got)
		}
		if n, _ := svc.Unread(ctx, ana); n != 0 {
			t.Fatalf("Ana's unread = %d, want 0", n)
		}
		if err := svc.MarkRead(ctx, ana, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// writeIn is a contact's first message, from, on channel ch: it opens a
// conversation, returned with the contact.
func writeIn(t *testing.T, convs *conversation.Service, workspaceID, ch int64, from string) (conv, contact int64) {
	t.Helper()
	r, err := convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: workspaceID, ChannelID: ch,
		ExternalID: from, ProviderMessageID: from, Type: "text", Text: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0].ConversationID, r[0].ContactID
}

// bellWorkspace makes a workspace with an agent (Ana) and a manager (Bob),
// a custom channel to receive on, and the conversation service.
func bellWorkspace(t *testing.T, d *db.DB) (ws workspace.Workspace, ana, bob access.Principal, convs *conversation.Service, ch int64) {
	t.Helper()
	ctx := context.Background()
	wss := workspace.New(d)
	ws, err := wss.Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	user := func(email, role string) access.Principal {
		u, err := wss.CreateUser(ctx, ws.ID, workspace.NewUser{Email: email, Name: email, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		return access.Principal{WorkspaceID: ws.ID, UserID: u.ID, Role: role, Can: access.Defaults(role)}
	}
	ana, bob = user("ana@acme.test", access.RoleAgent), user("bob@acme.test", access.RoleManager)
	if err := d.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'site', 'token', '{}', ?) RETURNING id`, ws.ID, tx.Now()).Scan(&ch)
	}); err != nil {
		t.Fatal(err)
	}
	return ws, ana, bob, conversation.New(d), ch
}

// Filing a conversation under another team while its assignee keeps it
// (POST /assign with the same user_id and a team_id) tells them nothing:
// they were not assigned anything new. It used to ring their bell with a
// second "Conversation #n was assigned to you".
func TestTeamChangeKeepingTheAssigneeIsNoNewAssignment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, _, g := runBell(t, d)
		backgroundtest.WaitIdle(t, g)

		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		billing, err := workspace.New(d).CreateTeam(ctx, ws.ID, workspace.TeamInput{Name: "Billing"})
		if err != nil {
			t.Fatal(err)
		}
		conv, _ := writeIn(t, convs, ws.ID, ch, "+14155550100")
		assign := func(in conversation.AssignInput) {
			t.Helper()
			in.ByUser, in.Source = bob.UserID, conversation.SourceUser
			if err := d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, in)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		assign(conversation.AssignInput{UserID: ana.UserID})                     // Bob hands it to Ana: one bell
		assign(conversation.AssignInput{UserID: ana.UserID, TeamID: billing.ID}) // and files it under Billing: Ana still has it
		backgroundtest.WaitIdle(t, g)

		pg, err := notification.New(d).List(ctx, ana, notification.ListFilter{}, page.First())
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Data) != 1 || pg.Data[0].Kind != notification.KindAssignment {
			t.Fatalf("Ana's bell = %+v, want the one assignment", pg.Data)
		}
	})
}

// A disabled webhook endpoint is news for the workspace's owners only: an
// owner who is then made an agent (or a manager) no longer has it in their
// bell or its count, as a conversation reassigned out of an agent's sight
// leaves theirs. It used to stay there, pointing a member at settings they
// can no longer open.
func TestWebhookDisabledLeavesTheBellOfAnOwnerNoLongerOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, _, g := runBell(t, d)
		backgroundtest.WaitIdle(t, g)

		ws, _, _, _, _ := bellWorkspace(t, d)
		wss := workspace.New(d)
		u, err := wss.CreateUser(ctx, ws.ID, workspace.NewUser{Email: "olga@acme.test", Name: "Olga", Role: access.RoleOwner})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := event.Append(ctx, tx, event.New{WorkspaceID: ws.ID, Type: event.WebhookDisabled,
				Payload: map[string]any{"endpoint_id": 7, "reason": "the endpoint answered 410 Gone"}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)

		svc := notification.New(d)
		olga := func(role string) access.Principal {
			return access.Principal{WorkspaceID: ws.ID, UserID: u.ID, Role: role, Can: access.Defaults(role)}
		}
		for _, tc := range []struct {
			role string
			want int
		}{{access.RoleOwner, 1}, {access.RoleManager, 0}, {access.RoleAgent, 0}} {
			pg, err := svc.List(ctx, olga(tc.role), notification.ListFilter{}, page.First())
			if err != nil {
				t.Fatal(err)
			}
			n, err := svc.Unread(ctx, olga(tc.role))
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Data) != tc.want || n != tc.want {
				t.Errorf("Olga as %s: bell %+v, unread %d; want %d", tc.role, pg.Data, n, tc.want)
			}
			if tc.want == 1 && (pg.Data[0].Kind != notification.KindWebhookDisabled || pg.Data[0].SubjectID != 7) {
				t.Errorf("Olga's bell = %+v, want endpoint 7 disabled", pg.Data)
			}
		}
	})
}

// An AI agent member never signs in and has no bell: the conversations
// routed to it and the comments naming it make no notification. Each used
// to leave an unread row for it, one more per conversation it took,
// never shown to anyone and never deleted.
func TestAIAgentMemberGetsNoNotifications(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		_, _, g := runBell(t, d)
		backgroundtest.WaitIdle(t, g)

		ws, ana, bob, convs, ch := bellWorkspace(t, d)
		var ai int64
		if err := d.Write(ctx, func(tx *db.Tx) error { // as internal/aiagent makes its member
			return tx.QueryRow(ctx, `INSERT INTO users (workspace_id, account_id, name, role, status, created_at, kind)
				VALUES (?, NULL, 'Ava', 'agent', 'online', ?, 'ai_agent') RETURNING id`, ws.ID, tx.Now()).Scan(&ai)
		}); err != nil {
			t.Fatal(err)
		}
		conv, _ := writeIn(t, convs, ws.ID, ch, "+14155550100")
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := conversation.AssignTx(ctx, tx, ws.ID, conv, conversation.AssignInput{UserID: ai, ByUser: bob.UserID, Source: conversation.SourceUser})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := convs.AddComment(ctx, bob, conv, conversation.CommentInput{Text: "over to you two", Mentions: []int64{ai, ana.UserID}, UserID: bob.UserID}); err != nil {
			t.Fatal(err)
		}
		backgroundtest.WaitIdle(t, g)
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE user_id = `+strconv.FormatInt(ai, 10)); got != 0 {
			t.Fatalf("%d notifications for the AI agent member, want none", got)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM notifications WHERE user_id = `+strconv.FormatInt(ana.UserID, 10)); got != 1 {
			t.Fatalf("%d notifications for Ana, want her mention", got)
		}
	})
}

// runBell runs the notifications consumer on d, on a fake clock, until the
// test ends, and returns the clock, the hub it hears commits from and
// the consumer's group.
func runBell(t *testing.T, d *db.DB) (*clock.Fake, *event.Hub, *background.Group) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d.SetClock(clk)
	hub := event.NewHub()
	d.OnEvents(hub.Notify)
	g := background.NewGroup(clk)
	backgroundtest.Run(t, g, notification.NewConsumer(d, hub, g, 0).Run)
	return clk, hub, g
}
