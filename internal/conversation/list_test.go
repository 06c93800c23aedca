package conversation

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// inboxFixture is a workspace of 12 conversations over two teams, three
// agents and two channels, opened and written to in groups of three at
// the same instant, so every sort meets ties.
type inboxFixture struct {
	*fixture
	owner, agent access.Principal
	agents       []int64
	teams        []int64
	convs        []Conversation // by index of creation, as stored after setup
}

func newInbox(t *testing.T, d *db.DB) *inboxFixture {
	t.Helper()
	ctx := context.Background()
	f := &inboxFixture{fixture: newFixture(t, d)}
	ws := workspace.New(d)
	for i := range 3 {
		u, err := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: fmt.Sprintf("agent%d@acme.test", i), Name: fmt.Sprintf("Agent %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		f.agents = append(f.agents, u.ID)
	}
	for i, members := range [][]int64{{f.agents[0], f.agents[1]}, {f.agents[2]}} {
		tm, err := ws.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: fmt.Sprintf("team %d", i), MemberIDs: members})
		if err != nil {
			t.Fatal(err)
		}
		f.teams = append(f.teams, tm.ID)
	}
	f.owner = access.System(f.ws.ID)
	f.agent = access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[0], Role: access.RoleAgent, Teams: []int64{f.teams[0]}}
	cs := contact.New(d)
	if _, err := cs.CreateField(ctx, f.ws.ID, contact.Field{Key: "plan", Name: "Plan", Type: "text"}); err != nil {
		t.Fatal(err)
	}
	stagePage, err := cs.ListStages(ctx, f.ws.ID, page.First())
	stages := stagePage.Data
	if err != nil || len(stages) < 2 {
		t.Fatalf("stages: %v %v", stages, err)
	}
	ids := make([]int64, 12)
	for i := range 12 {
		if i%3 == 0 {
			f.clock.Advance(time.Minute)
		}
		name, last, phone, email := fmt.Sprintf("Person%d", i), "Doe", fmt.Sprintf("+1415555%04d", i), fmt.Sprintf("p%d@mail.test", i)
		if i == 7 {
			name, last = "Zoë", "Quinn"
		}
		in := f.inbound(phone, fmt.Sprintf("m%d", i), "hello")
		in.Profile = contact.Input{FirstName: &name, LastName: &last, Email: &email}
		rs, err := f.svc.Receive(ctx, []Inbound{in})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = rs[0].ConversationID
		c, _ := f.svc.Get(ctx, access.System(f.ws.ID), ids[i])
		if i%2 == 0 {
			if err := cs.SetTag(ctx, access.System(f.ws.ID), c.ContactID, "vip", true); err != nil {
				t.Fatal(err)
			}
		}
		if i%3 == 0 {
			plan := map[string]any{"plan": "gold"}
			if _, err := cs.Update(ctx, access.System(f.ws.ID), c.ContactID, contact.Input{Fields: plan}); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 0 {
			if err := cs.SetLifecycle(ctx, access.System(f.ws.ID), c.ContactID, stages[1].Name); err != nil {
				t.Fatal(err)
			}
		}
		// Teams and assignees: 0-3 team 0 (0, 1 to agent 0; 2 to agent 1),
		// 4-7 team 1 (4 to agent 2), 8-11 no team, unassigned.
		var a AssignInput
		switch {
		case i < 4:
			a.TeamID = f.teams[0]
			if i < 2 {
				a.UserID = f.agents[0]
			} else if i == 2 {
				a.UserID = f.agents[1]
			}
		case i < 8:
			a.TeamID = f.teams[1]
			if i == 4 {
				a.UserID = f.agents[2]
			}
		}
		if a.TeamID != 0 {
			if err := d.Write(ctx, func(tx *db.Tx) error { _, err := AssignTx(ctx, tx, f.ws.ID, ids[i], a); return err }); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Replies: conversations 1 and 5 are answered, so not waiting; 2 gets
	// a second contact message later, which keeps its waiting time but
	// moves its last message.
	f.clock.Advance(time.Minute)
	for _, i := range []int{1, 5} {
		if _, err := f.svc.Send(ctx, access.System(f.ws.ID), ids[i], SendInput{Text: "hi", Sender: SourceUser}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14155550002", "m2b", "again")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Snooze(ctx, access.System(f.ws.ID), ids[10], f.clock.Now().Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Close(ctx, access.System(f.ws.ID), ids[11], CloseInput{Source: SourceUser}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		c, err := f.svc.Get(ctx, access.System(f.ws.ID), id)
		if err != nil {
			t.Fatal(err)
		}
		f.convs = append(f.convs, c)
	}
	return f
}

// walk lists every page of f at the page size and returns the ids in
// order, failing on a repeated id.
func (f *inboxFixture) walk(t *testing.T, p access.Principal, lf ListFilter, limit int) []int64 {
	t.Helper()
	req := page.Request{Limit: limit}
	var ids []int64
	seen := map[int64]bool{}
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages: the cursor does not advance")
		}
		pg, err := f.svc.List(context.Background(), p, lf, req)
		if err != nil {
			t.Fatalf("list %+v: %v", lf, err)
		}
		if len(pg.Data) > limit {
			t.Fatalf("a page of %d, limit %d", len(pg.Data), limit)
		}
		for _, c := range pg.Data {
			if seen[c.ID] {
				t.Fatalf("%+v limit %d: conversation %d served twice", lf, limit, c.ID)
			}
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
		if pg.NextCursor == "" {
			return ids
		}
		if len(pg.Data) != limit {
			t.Fatalf("a short page (%d of %d) with a cursor", len(pg.Data), limit)
		}
		sort := cmp.Or(lf.Sort, SortNewest)
		c, err := page.Decode(pg.NextCursor, sort)
		if err != nil {
			t.Fatal(err)
		}
		req.After = &c
	}
}

// expect returns the ids of the fixture's conversations that keep
// matches, in the sort's order (ties by id, in the sort's direction).
func (f *inboxFixture) expect(sort string, keep func(i int, c Conversation) bool) []int64 {
	var cs []Conversation
	for i, c := range f.convs {
		if keep(i, c) {
			cs = append(cs, c)
		}
	}
	_, desc := sortOf(sort)
	slices.SortFunc(cs, func(a, b Conversation) int {
		r := cmp.Or(cmp.Compare(a.sortKey(sort), b.sortKey(sort)), cmp.Compare(a.ID, b.ID))
		if desc {
			return -r
		}
		return r
	})
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestListSortsPageStablyThroughTies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		all := func(int, Conversation) bool { return true }
		for _, sort := range Sorts {
			want := f.expect(sort, all)
			for _, limit := range []int{1, 2, 5, 12, 200} {
				got := f.walk(t, f.owner, ListFilter{Sort: sort}, limit)
				if !slices.Equal(got, want) {
					t.Errorf("sort %s limit %d:\n got %v\nwant %v", sort, limit, got, want)
				}
			}
		}
		// The orders mean what they say.
		byWaiting := f.walk(t, f.owner, ListFilter{Sort: SortWaiting, Status: StatusOpen}, 50)
		first, _ := f.svc.Get(context.Background(), access.System(f.ws.ID), byWaiting[0])
		last, _ := f.svc.Get(context.Background(), access.System(f.ws.ID), byWaiting[len(byWaiting)-1])
		if first.WaitingSince.IsZero() || !last.WaitingSince.IsZero() {
			t.Errorf("waiting sort: first %v last %v, want the longest waiting first and the answered last", first.WaitingSince, last.WaitingSince)
		}
		newest := f.walk(t, f.owner, ListFilter{Sort: SortNewest}, 50)
		oldest := f.walk(t, f.owner, ListFilter{Sort: SortOldest}, 50)
		if newest[0] != f.convs[11].ID || oldest[0] != f.convs[0].ID {
			t.Errorf("newest starts %d, oldest %d: want %d and %d", newest[0], oldest[0], f.convs[11].ID, f.convs[0].ID)
		}
	})
}

func TestListWaitingSince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		c := f.convs
		if !c[1].WaitingSince.IsZero() || !c[5].WaitingSince.IsZero() {
			t.Errorf("answered conversations wait since %v, %v", c[1].WaitingSince, c[5].WaitingSince)
		}
		if !c[2].WaitingSince.Equal(c[2].OpenedAt) || !c[2].LastMessageAt.After(c[2].WaitingSince) {
			t.Errorf("a second unanswered message moved waiting_since: %v (opened %v, last %v)", c[2].WaitingSince, c[2].OpenedAt, c[2].LastMessageAt)
		}
		ctx := context.Background()
		f.clock.Advance(time.Minute)
		if _, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14155550001", "m1b", "and now?")}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(ctx, access.System(f.ws.ID), c[1].ID)
		if !got.WaitingSince.Equal(f.clock.Now().Truncate(time.Millisecond)) {
			t.Errorf("a contact message after the reply: waiting since %v, want %v", got.WaitingSince, f.clock.Now())
		}
		echo := f.inbound("+14155550001", "m1c", "answered from the phone")
		echo.Kind = KindEcho
		if _, err := f.svc.Receive(ctx, []Inbound{echo}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.Get(ctx, access.System(f.ws.ID), c[1].ID); !got.WaitingSince.IsZero() {
			t.Errorf("an echo did not answer: waiting since %v", got.WaitingSince)
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		stagePage, _ := contact.New(d).ListStages(context.Background(), f.ws.ID, page.First())
		stages := stagePage.Data
		for _, tc := range []struct {
			name string
			lf   ListFilter
			keep func(i int, c Conversation) bool
		}{
			{"open", ListFilter{Status: StatusOpen}, func(i int, _ Conversation) bool { return i != 10 && i != 11 }},
			{"snoozed", ListFilter{Status: StatusSnoozed}, func(i int, _ Conversation) bool { return i == 10 }},
			{"closed", ListFilter{Status: StatusClosed}, func(i int, _ Conversation) bool { return i == 11 }},
			{"assignee me", ListFilter{Assignee: "me"}, func(i int, _ Conversation) bool { return false }}, // the system has no user
			{"assignee none", ListFilter{Assignee: "none"}, func(i int, _ Conversation) bool { return i == 3 || (i >= 5) }},
			{"assignee id", ListFilter{Assignee: fmt.Sprint(f.agents[0])}, func(i int, _ Conversation) bool { return i < 2 }},
			{"team", ListFilter{TeamID: f.teams[1]}, func(i int, _ Conversation) bool { return i >= 4 && i < 8 }},
			{"team and unassigned", ListFilter{TeamID: f.teams[1], Assignee: "none"}, func(i int, _ Conversation) bool { return i >= 5 && i < 8 }},
			{"channel", ListFilter{ChannelID: f.channel.ID}, func(int, Conversation) bool { return true }},
			{"another channel", ListFilter{ChannelID: f.channel.ID + 1000}, func(int, Conversation) bool { return false }},
			{"contact", ListFilter{ContactID: f.convs[3].ContactID}, func(i int, _ Conversation) bool { return i == 3 }},
			{"tag", ListFilter{Tag: "vip"}, func(i int, _ Conversation) bool { return i%2 == 0 }},
			{"unknown tag", ListFilter{Tag: "nope"}, func(int, Conversation) bool { return false }},
			{"field", ListFilter{Field: "plan=gold"}, func(i int, _ Conversation) bool { return i%3 == 0 }},
			{"field, other value", ListFilter{Field: "plan=silver"}, func(int, Conversation) bool { return false }},
			{"stage", ListFilter{Stage: stages[1].Name}, func(i int, _ Conversation) bool { return i%4 == 0 }},
			{"opened by the contact", ListFilter{OpenedSource: SourceContact}, func(int, Conversation) bool { return true }},
			{"opened by a user", ListFilter{OpenedSource: SourceUser}, func(int, Conversation) bool { return false }},
			{"search a name", ListFilter{Q: "zoË"}, func(i int, _ Conversation) bool { return i == 7 }},
			{"search a full name", ListFilter{Q: "zoë qu"}, func(i int, _ Conversation) bool { return i == 7 }},
			{"search a phone", ListFilter{Q: "5550004"}, func(i int, _ Conversation) bool { return i == 4 }},
			{"search a phone as people write it", ListFilter{Q: "(415) 555-0004"}, func(i int, _ Conversation) bool { return i == 4 }},
			{"search an email", ListFilter{Q: "P11@MAIL"}, func(i int, _ Conversation) bool { return i == 11 }},
			{"search LIKE characters literally", ListFilter{Q: "%"}, func(int, Conversation) bool { return false }},
			{"everything at once", ListFilter{Status: StatusOpen, Tag: "vip", Field: "plan=gold", TeamID: f.teams[0]},
				func(i int, _ Conversation) bool { return i == 0 }},
		} {
			for _, sort := range []string{SortLastMessage, SortWaiting} {
				tc.lf.Sort = sort
				want := f.expect(sort, tc.keep)
				if got := f.walk(t, f.owner, tc.lf, 2); !slices.Equal(got, want) {
					t.Errorf("%s by %s: got %v, want %v", tc.name, sort, got, want)
				}
				if n, err := f.svc.Count(context.Background(), f.owner, tc.lf); err != nil || n != int64(len(want)) {
					t.Errorf("%s: count %d (%v), want %d", tc.name, n, err, len(want))
				}
			}
		}
	})
}

func TestListScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		// Agent 0 (team 0) sees their own (0, 1) and team 0's unassigned (3).
		want := f.expect(SortOldest, func(i int, _ Conversation) bool { return i == 0 || i == 1 || i == 3 })
		if got := f.walk(t, f.agent, ListFilter{Sort: SortOldest}, 1); !slices.Equal(got, want) {
			t.Errorf("the agent's list: %v, want %v", got, want)
		}
		if got := f.walk(t, f.agent, ListFilter{Sort: SortOldest, Assignee: "me"}, 1); !slices.Equal(got, want[:2]) {
			t.Errorf("the agent's own: %v, want %v", got, want[:2])
		}
		// A filter never widens the scope.
		if got := f.walk(t, f.agent, ListFilter{TeamID: f.teams[1]}, 5); len(got) != 0 {
			t.Errorf("another team's conversations: %v", got)
		}
	})
}

func TestCountsAgreeWithLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		agentUser := f.agent
		manager := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[2], Role: access.RoleManager, Teams: []int64{f.teams[1]},
			Can: access.Defaults(access.RoleManager)}
		views := []ViewInput{
			{Name: "vip", Filter: ListFilter{Status: StatusOpen, Tag: "vip"}},
			{Name: "gold waiting", Filter: ListFilter{Sort: SortWaiting, Field: "plan=gold"}},
			{Name: "unassigned of team 0", Filter: ListFilter{Status: StatusOpen, TeamID: f.teams[0], Assignee: "none"}},
			{Name: "on the channel", Filter: ListFilter{ChannelID: f.channel.ID, OpenedSource: SourceContact}},
		}
		// Deleting a contact and an agent after the setup must keep the
		// counts true (cascades and SET NULL fire the triggers).
		if err := contact.New(d).Delete(ctx, access.System(f.ws.ID), f.convs[9].ContactID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []access.Principal{agentUser, manager} {
			for _, v := range views {
				if _, err := f.svc.CreateView(ctx, p, v); err != nil {
					t.Fatal(err)
				}
			}
			for _, status := range []string{StatusOpen, StatusSnoozed, StatusClosed} {
				c, err := f.svc.Counts(ctx, p, status)
				if err != nil {
					t.Fatal(err)
				}
				check := func(name string, n int64, lf ListFilter) {
					t.Helper()
					if got := f.walk(t, p, lf, 3); int64(len(got)) != n {
						t.Errorf("%s as %s, %s: count %d, list walks %d", name, p.Role, status, n, len(got))
					}
				}
				check("all", c.All, ListFilter{Status: status})
				check("mine", c.Mine, ListFilter{Status: status, Assignee: "me"})
				check("unassigned", c.Unassigned, ListFilter{Status: status, Assignee: "none"})
				for _, tc := range c.Teams {
					check(fmt.Sprint("team ", tc.TeamID), tc.Count, ListFilter{Status: status, TeamID: tc.TeamID})
				}
				if len(c.Views) != len(views) {
					t.Fatalf("%d view counts, want %d", len(c.Views), len(views))
				}
				for _, vc := range c.Views {
					v, err := f.svc.GetView(ctx, p, vc.ViewID)
					if err != nil {
						t.Fatal(err)
					}
					check("view "+v.Name, vc.Count, v.Filter)
				}
			}
		}
		open, _ := f.svc.Counts(ctx, manager, "")
		if open.Status != StatusOpen || open.All != 9 || open.Unassigned != 5 || open.Mine != 1 {
			t.Errorf("the manager's open counts: %+v, want all 9 (12 less 1 snoozed, 1 closed, 1 deleted), unassigned 5, mine 1", open)
		}
		mine, _ := f.svc.Counts(ctx, agentUser, "")
		if mine.All != 3 || mine.Mine != 2 || mine.Unassigned != 1 || len(mine.Teams) != 1 || mine.Teams[0].Count != 3 {
			t.Errorf("the agent's open counts: %+v, want all 3, mine 2, unassigned 1, team 0: 3", mine)
		}
	})
}

func TestViews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		v, err := f.svc.CreateView(ctx, f.agent, ViewInput{Name: " Mine waiting ", Filter: ListFilter{Assignee: "me", Sort: SortWaiting}})
		if err != nil || v.Name != "Mine waiting" {
			t.Fatalf("create: %+v %v", v, err)
		}
		for _, tc := range []struct {
			name string
			in   ViewInput
			kind apperr.Kind
		}{
			{"no name", ViewInput{}, apperr.KindInvalid},
			{"a bad sort", ViewInput{Name: "x", Filter: ListFilter{Sort: "size"}}, apperr.KindInvalid},
			{"a bad assignee", ViewInput{Name: "x", Filter: ListFilter{Assignee: "them"}}, apperr.KindInvalid},
			{"a field without a value", ViewInput{Name: "x", Filter: ListFilter{Field: "plan"}}, apperr.KindInvalid},
			{"the same name", ViewInput{Name: "Mine waiting"}, apperr.KindConflict},
		} {
			if _, err := f.svc.CreateView(ctx, f.agent, tc.in); apperr.KindOf(err) != tc.kind {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.kind)
			}
		}
		other := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[1], Role: access.RoleAgent}
		if _, err := f.svc.GetView(ctx, other, v.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another user's view: %v, want not found", err)
		}
		if _, err := f.svc.ListViews(ctx, access.System(f.ws.ID)); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("a workspace token's views: %v, want a bad request", err)
		}
		u, err := f.svc.UpdateView(ctx, f.agent, v.ID, ViewInput{Name: "Renamed", Filter: ListFilter{Status: StatusOpen}})
		if err != nil || u.Name != "Renamed" || u.Filter.Status != StatusOpen || !u.CreatedAt.Equal(v.CreatedAt) {
			t.Errorf("update: %+v %v", u, err)
		}
		if err := f.svc.DeleteView(ctx, other, v.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("deleting another user's view: %v", err)
		}
		if err := f.svc.DeleteView(ctx, f.agent, v.ID); err != nil {
			t.Fatal(err)
		}
		if list, err := f.svc.ListViews(ctx, f.agent); err != nil || len(list) != 0 {
			t.Errorf("after delete: %v %v", list, err)
		}
	})
}

// A closed conversation has nobody left to answer it (a reply to it is a
// conflict): it no longer waits, so it neither shows a wait nor tops the
// waiting sort of a list that holds closed ones above the open ones that
// still wait, as migration 013 left the conversations closed before it.
func TestClosingAConversationEndsItsWait(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		sys := access.System(f.ws.ID)
		// 0 waits since the first minute, longer than any other: close it.
		if f.convs[0].WaitingSince.IsZero() {
			t.Fatal("the fixture's conversation 0 does not wait")
		}
		closed, err := f.svc.Close(ctx, sys, f.convs[0].ID, CloseInput{Source: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		if !closed.WaitingSince.IsZero() {
			t.Errorf("the closed conversation still waits since %v", closed.WaitingSince)
		}
		got := f.walk(t, f.owner, ListFilter{Sort: SortWaiting}, 5)
		if got[0] == f.convs[0].ID {
			t.Errorf("the waiting sort starts with the closed conversation %d: %v", f.convs[0].ID, got)
		}
		var waiting []int64
		for _, id := range got {
			c, err := f.svc.Get(ctx, sys, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status == StatusClosed && !c.WaitingSince.IsZero() {
				t.Errorf("closed conversation %d waits since %v", id, c.WaitingSince)
			}
			if !c.WaitingSince.IsZero() {
				waiting = append(waiting, id)
			}
		}
		if len(waiting) == 0 || got[0] != waiting[0] {
			t.Errorf("the waiting sort %v does not start with a waiting conversation (%v)", got, waiting)
		}
	})
}

// A filter takes any value a contact may hold: a lifecycle stage's name
// is a name (up to 200 characters, not a tag's 100) and a text field's
// value up to 5,000 characters. Such a value found its conversations in
// neither the list nor a saved view: the filter refused it as a 400.
func TestListFiltersTakeTheLongestStoredValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		sys := access.System(f.ws.ID)
		cs := contact.New(d)
		stage := strings.Repeat("é", contact.MaxStageLen)
		if _, err := cs.CreateStage(ctx, f.ws.ID, contact.StageInput{Name: &stage}); err != nil {
			t.Fatal(err)
		}
		if err := cs.SetLifecycle(ctx, sys, f.convs[5].ContactID, stage); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.CreateField(ctx, f.ws.ID, contact.Field{Key: strings.Repeat("n", 50), Name: "Notes", Type: "text"}); err != nil {
			t.Fatal(err)
		}
		// Text that does not compress: PostgreSQL refused to index a
		// value whose entry passed a third of a page once compressed.
		notes := incompressible(contact.MaxTextValueLen)
		if _, err := cs.Update(ctx, sys, f.convs[6].ContactID, contact.Input{Fields: map[string]any{strings.Repeat("n", 50): notes}}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			lf   ListFilter
			want int64
		}{
			{"the longest stage", ListFilter{Stage: stage}, f.convs[5].ID},
			{"the longest field value", ListFilter{Field: strings.Repeat("n", 50) + "=" + notes}, f.convs[6].ID},
		} {
			if got := f.walk(t, f.owner, tc.lf, 5); !slices.Equal(got, []int64{tc.want}) {
				t.Errorf("%s: %v, want [%d]", tc.name, got, tc.want)
			}
			q := url.Values{"stage": {tc.lf.Stage}, "field": {tc.lf.Field}}
			if _, err := ParseFilter(q); err != nil {
				t.Errorf("%s as query parameters: %v", tc.name, err)
			}
			if _, err := f.svc.CreateView(ctx, f.agent, ViewInput{Name: tc.name, Filter: tc.lf}); err != nil {
				t.Errorf("%s saved as a view: %v", tc.name, err)
			}
		}
		// Longer than anything stored is still refused.
		for _, lf := range []ListFilter{{Stage: stage + "é"}, {Field: strings.Repeat("n", 50) + "=" + notes + "ü"}} {
			if _, err := f.svc.List(ctx, f.owner, lf, page.First()); apperr.KindOf(err) != apperr.KindBadRequest {
				t.Errorf("a value one character too long (stage %d, field %d characters): %v, want a bad request",
					len([]rune(lf.Stage)), len([]rune(lf.Field)), err)
			}
		}
	})
}

// incompressible is n characters of text that does not compress (some
// of them two bytes in UTF-8), the same every run.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdefghijklmnopqrstuvwxyzüéàçøABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	runes := []rune(letters)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[r.IntN(len(runes))]
	}
	return string(out)
}
