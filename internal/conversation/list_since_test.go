package conversation

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// The inbox fixture's contacts last wrote at 09:01 (conversations 0, 1),
// 09:02 (3-5), 09:03 (6-8), 09:04 (9-11) and 09:05 (2, which wrote
// again); its clock stands at 09:05.
func TestListFiltersOnTimeSinceTheContactLastWrote(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		sys := access.System(f.ws.ID)
		// A conversation an agent opened, its contact never wrote in it:
		// the contact's first (12) is closed first.
		rs, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14155550099", "m99", "first")})
		if err != nil {
			t.Fatal(err)
		}
		first, err := f.svc.Close(ctx, sys, rs[0].ConversationID, CloseInput{Source: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		silent, err := f.svc.Open(ctx, sys, OpenInput{ContactID: first.ContactID, ChannelID: f.channel.ID, Source: SourceUser})
		if err != nil {
			t.Fatal(err)
		}
		// The closed conversation's contact (11) writes again: a new
		// conversation opens, the closed one is not written in.
		f.clock.Advance(30 * time.Second) // 09:05:30
		rs, err = f.svc.Receive(ctx, []Inbound{f.inbound("+14155550011", "m11b", "back")})
		if err != nil || rs[0].ConversationID == f.convs[11].ID {
			t.Fatalf("a new conversation for contact 11: %+v %v", rs, err)
		}
		// Conversations 12 (closed), 13 (silent) and 14 (contact 11's new
		// one) join the fixture's twelve.
		for _, id := range []int64{first.ID, silent.ID, rs[0].ConversationID} {
			c, err := f.svc.Get(ctx, sys, id)
			if err != nil {
				t.Fatal(err)
			}
			f.convs = append(f.convs, c)
		}
		f.clock.Advance(30 * time.Second) // 09:06
		byIndex := func(is ...int) func(int, Conversation) bool {
			return func(i int, _ Conversation) bool { return slices.Contains(is, i) }
		}
		for _, tc := range []struct {
			name string
			lf   ListFilter
			keep func(i int, c Conversation) bool
		}{
			// Within 3 minutes 30: since 09:02:30.
			{"wrote within", ListFilter{LastIncomingWithin: 210}, byIndex(2, 6, 7, 8, 9, 10, 11, 12, 14)},
			{"wrote within, open", ListFilter{LastIncomingWithin: 210, Status: StatusOpen}, byIndex(2, 6, 7, 8, 9, 14)},
			{"wrote within, unassigned", ListFilter{LastIncomingWithin: 210, Assignee: "none"}, byIndex(6, 7, 8, 9, 10, 11, 12, 14)},
			{"wrote within a second", ListFilter{LastIncomingWithin: 1}, byIndex()},
			// Older than 4 minutes 30: before 09:01:30, or never since it
			// opened before then (the silent one opened at 09:05).
			{"no message for", ListFilter{LastIncomingOlderThan: 270}, byIndex(0, 1)},
			// Before 09:05:15: the silent one, opened at 09:05, has been
			// silent long enough; 14 wrote at 09:05:30.
			{"no message for 45 seconds", ListFilter{LastIncomingOlderThan: 45}, func(i int, _ Conversation) bool { return i != 14 }},
			{"no message for, in a window", ListFilter{LastIncomingOlderThan: 200, LastIncomingWithin: 300}, byIndex(0, 1, 3, 4, 5)},
			{"no message for, with a tag", ListFilter{LastIncomingOlderThan: 150, Tag: "vip"}, byIndex(0, 4, 6, 8)},
		} {
			for _, sort := range []string{SortLastMessage, SortWaiting, SortNewest} {
				tc.lf.Sort = sort
				want := f.expect(sort, tc.keep)
				if got := f.walk(t, f.owner, tc.lf, 2); !slices.Equal(got, want) {
					t.Errorf("%s by %s: got %v, want %v", tc.name, sort, got, want)
				}
				if n, err := f.svc.Count(ctx, f.owner, tc.lf); err != nil || n != int64(len(want)) {
					t.Errorf("%s: count %d (%v), want %d", tc.name, n, err, len(want))
				}
			}
		}
		// An agent's list keeps to the agent's scope (0, 1 and 3).
		want := f.expect(SortNewest, byIndex(0, 1))
		if got := f.walk(t, f.agent, ListFilter{LastIncomingOlderThan: 270}, 1); !slices.Equal(got, want) {
			t.Errorf("the agent's quiet conversations: %v, want %v", got, want)
		}
	})
}

// A view on time since the contact wrote is counted at the clock's time:
// its count falls as time passes, with no event between.
func TestCountsOfATimeRelativeViewFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		manager := access.Principal{WorkspaceID: f.ws.ID, UserID: f.agents[2], Role: access.RoleManager, Teams: []int64{f.teams[1]},
			Can: access.Defaults(access.RoleManager)}
		if _, err := f.svc.CreateView(ctx, manager, ViewInput{Name: "wrote in the last 3 minutes",
			Filter: ListFilter{Status: StatusOpen, LastIncomingWithin: 180}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateView(ctx, manager, ViewInput{Name: "silent for 2 minutes",
			Filter: ListFilter{Status: StatusOpen, LastIncomingOlderThan: 120}}); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			advance          time.Duration
			within, olderFor int64 // open conversations: 12 less snoozed 10 and closed 11
		}{
			{0, 8, 5},                // 09:05: since 09:02 (2-9) / before 09:03 (0, 1, 3-5)
			{time.Minute, 5, 8},      // 09:06: since 09:03 (2, 6-9) / before 09:04 (0, 1, 3-8)
			{2 * time.Minute, 1, 10}, // 09:08: since 09:05 (2) / before 09:06 (all ten)
			{time.Hour, 0, 10},       // 10:08: none / all ten
		} {
			f.clock.Advance(step.advance)
			c, err := f.svc.Counts(ctx, manager, StatusOpen)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, v := range c.Views {
				got[v.Name] = v.Count
			}
			if got["wrote in the last 3 minutes"] != step.within || got["silent for 2 minutes"] != step.olderFor {
				t.Errorf("at %s: counts %v, want %d wrote within and %d silent", f.clock.Now().Format("15:04"), got,
					step.within, step.olderFor)
			}
		}
	})
}

func TestTimeSinceLastIncomingFilterValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newInbox(t, d)
		ctx := context.Background()
		for _, tc := range []struct {
			name, param, value string
		}{
			{"zero", "last_incoming_within", "0"},
			{"negative", "last_incoming_older_than", "-60"},
			{"not a number", "last_incoming_within", "1d"},
			{"a fraction", "last_incoming_older_than", "1.5"},
			{"over 366 days", "last_incoming_within", "31622401"},
			{"huge", "last_incoming_older_than", "99999999999999999999"},
		} {
			_, err := ParseFilter(url.Values{tc.param: {tc.value}})
			var e *apperr.Error
			if apperr.KindOf(err) != apperr.KindBadRequest || !errors.As(err, &e) || !strings.Contains(e.Message, tc.param) {
				t.Errorf("%s (%s=%s): %v, want a bad request naming the parameter", tc.name, tc.param, tc.value, err)
			}
		}
		lf, err := ParseFilter(url.Values{"last_incoming_within": {"31622400"}, "last_incoming_older_than": {"3600"}})
		if err != nil || lf.LastIncomingWithin != 31622400 || lf.LastIncomingOlderThan != 3600 {
			t.Errorf("366 days and an hour: %+v %v", lf, err)
		}
		// Within an hour and older than a day matches nothing.
		if _, err := f.svc.List(ctx, f.owner, ListFilter{LastIncomingWithin: 3600, LastIncomingOlderThan: 86400}, page.First()); apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("an empty window: %v, want a bad request", err)
		}
		for _, lf := range []ListFilter{{LastIncomingWithin: -1}, {LastIncomingOlderThan: 31622401},
			{LastIncomingWithin: 60, LastIncomingOlderThan: 60}} {
			if _, err := f.svc.CreateView(ctx, f.agent, ViewInput{Name: "bad", Filter: lf}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("a view with %+v: %v, want invalid", lf, err)
			}
		}
		v, err := f.svc.CreateView(ctx, f.agent, ViewInput{Name: "quiet", Filter: ListFilter{LastIncomingOlderThan: 259200}})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.svc.GetView(ctx, f.agent, v.ID); err != nil || got.Filter.LastIncomingOlderThan != 259200 {
			t.Errorf("the saved view: %+v %v", got, err)
		}
	})
}
