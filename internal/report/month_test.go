package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The scripted month: conversations opened through June 2026 in
// Europe/Paris, written by contacts, assigned by routing (a team's round
// robin, or a person named), answered by agents (some after a workflow's
// message), reassigned, closed with categories, and some contacts coming
// back soon after (a reopen) or not. The script keeps what it did; the
// expectations are computed from it below, without the projection's code.

var paris = mustLoc("Europe/Paris")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// scripted is what the script knows of one conversation.
type scripted struct {
	id, contact, channel, team int64
	opened                     time.Time
	assigned                   time.Time // zero: never
	firstAssignee, assignee    int64
	strategy                   string
	reassignments              int
	replies                    []reply // human replies, each with the contact message it answers
	in, out                    int
	closed                     time.Time
	category                   string
	reopen                     bool
	workflowFirst              bool
}

type reply struct {
	at, waitingSince time.Time
	user             int64
}

type action struct {
	at time.Time
	n  int // order among actions at the same time
	do func() error
}

type month struct {
	t        *testing.T
	d        *db.DB
	clk      *clock.Fake
	conv     *conversation.Service
	route    *routing.Service
	contacts *contact.Service
	ws       int64
	channels []int64
	teams    []int64
	members  map[int64][]int64
	convs    []*scripted
	newCont  []time.Time // contacts created
	stages   []time.Time // lifecycle changes to "Customer"
	actions  []action
	played   int // actions played so far
}

var start = time.Date(2026, 6, 1, 0, 0, 0, 0, paris)

func newMonth(t *testing.T, d *db.DB) *month {
	ctx := context.Background()
	m := &month{t: t, d: d, clk: clock.NewFake(start.Add(-48 * time.Hour)), members: map[int64][]int64{}}
	d.SetClock(m.clk)
	wss := workspace.New(d)
	w, err := wss.Create(ctx, "Acme", "Europe/Paris")
	must(t, err)
	m.ws = w.ID
	hours := workspace.BusinessHours{}
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
		hours[day] = []workspace.Interval{{Open: "09:00", Close: "17:00"}}
	}
	_, err = wss.Update(ctx, w.ID, workspace.Settings{BusinessHours: &hours})
	must(t, err)
	m.conv, m.contacts = conversation.New(d), contact.New(d)
	g := background.NewGroup(m.clk)
	m.route = routing.New(d, routing.Options{Group: g})
	for i := range 2 {
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
				VALUES (?, 'custom', ?, 'token', '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, w.ID, fmt.Sprintf("ch%d", i), tx.Now()).Scan(&id)
			m.channels = append(m.channels, id)
			return err
		}))
	}
	for ti, name := range []string{"Sales", "Support"} {
		var ids []int64
		for j := range 2 {
			u, err := wss.CreateUser(ctx, w.ID, workspace.NewUser{Email: fmt.Sprintf("%s%d@acme.test", name, j), Name: name, Role: "agent"})
			must(t, err)
			ids = append(ids, u.ID)
		}
		team, err := wss.CreateTeam(ctx, w.ID, workspace.TeamInput{Name: name, MemberIDs: ids})
		must(t, err)
		m.teams = append(m.teams, team.ID)
		m.members[team.ID] = ids
		_ = ti
	}
	for _, c := range []string{"billing", "bug", "other"} {
		_, err := m.conv.CreateCategory(ctx, w.ID, c)
		must(t, err)
	}
	return m
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (m *month) at(t time.Time, do func() error) {
	m.actions = append(m.actions, action{at: t, n: len(m.actions), do: do})
}

// script lays out n conversations (follow-ups of the same contacts
// included) over June.
func (m *month) script(n int) {
	r := rand.New(rand.NewPCG(13, 13))
	ctx := context.Background()
	sys := access.System(m.ws)
	dur := func(lo, hi time.Duration) time.Duration {
		return lo + time.Duration(r.Int64N(int64(hi-lo)/int64(time.Second)))*time.Second
	}
	var plan func(i int, ch int64, ext string, open time.Time, reopen bool)
	count := 0
	plan = func(i int, ch int64, ext string, open time.Time, reopen bool) {
		count++
		s := &scripted{channel: ch, opened: open, reopen: reopen}
		m.convs = append(m.convs, s)
		inbound := func(text string) error {
			res, err := m.conv.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: m.ws, ChannelID: s.channel,
				ExternalID: ext, Type: "text", Text: text}})
			if err == nil {
				s.id, s.contact = res[0].ConversationID, res[0].ContactID
			}
			return err
		}
		m.at(open, func() error { s.in++; return inbound("hello") })
		t := open
		if i%4 == 0 {
			t = t.Add(5 * time.Second)
			s.workflowFirst = true
			m.at(t, func() error {
				s.out++
				_, err := m.conv.Send(ctx, sys, s.id, conversation.SendInput{Text: "Welcome!", Sender: conversation.SourceWorkflow})
				return err
			})
		}
		if i%7 == 6 {
			return // never assigned nor answered: still open
		}
		team := m.teams[i%2]
		t = t.Add(dur(10*time.Second, 2*time.Hour))
		m.at(t, func() error {
			req := routing.Request{WorkspaceID: m.ws, ConversationID: s.id, Target: routing.TargetTeam, TeamID: team,
				Strategy: routing.RoundRobin, Force: true, Source: conversation.SourceWorkflow}
			if i%3 == 1 {
				req = routing.Request{WorkspaceID: m.ws, ConversationID: s.id, Target: routing.TargetUser, UserID: m.members[team][1],
					Force: true, Source: conversation.SourceUser}
			}
			res, err := m.route.Assign(ctx, req)
			if err != nil {
				return err
			}
			if !res.Assigned {
				return fmt.Errorf("conversation %d not assigned: %+v", s.id, res)
			}
			s.assigned, s.firstAssignee, s.assignee = m.clk.Now(), res.UserID, res.UserID
			s.strategy = res.Reason.Strategy
			if s.strategy == "" {
				s.strategy = "manual"
			}
			if req.Target == routing.TargetTeam {
				s.team = team
			}
			return nil
		})
		answer := func(at, waiting time.Time) {
			m.at(at, func() error {
				s.out++
				s.replies = append(s.replies, reply{at: m.clk.Now(), waitingSince: waiting, user: s.assignee})
				_, err := m.conv.Send(ctx, access.Principal{WorkspaceID: m.ws, UserID: s.assignee, Role: "owner"}, s.id,
					conversation.SendInput{Text: "On it", Sender: conversation.SourceUser, UserID: s.assignee})
				return err
			})
		}
		t = t.Add(dur(5*time.Second, 3*time.Hour))
		answer(t, open)
		if i%3 == 0 {
			t = t.Add(time.Minute)
			asked := t
			m.at(t, func() error { s.in++; return inbound("and another thing") })
			if i%5 == 0 {
				t = t.Add(dur(time.Second, 20*time.Minute))
				m.at(t, func() error {
					other := m.members[team][0]
					if other == s.assignee {
						other = m.members[team][1]
					}
					_, err := m.route.Assign(ctx, routing.Request{WorkspaceID: m.ws, ConversationID: s.id, Target: routing.TargetUser,
						UserID: other, Force: true, Source: conversation.SourceUser})
					s.reassignments++
					s.assignee = other
					return err
				})
			}
			t = t.Add(dur(5*time.Second, 90*time.Minute))
			answer(t, asked)
		}
		if i%11 == 0 {
			return // left open
		}
		t = t.Add(dur(time.Minute, 10*time.Hour))
		category := []string{"billing", "bug", "other"}[i%3]
		m.at(t, func() error {
			_, err := m.conv.Close(ctx, access.Principal{WorkspaceID: m.ws, UserID: s.assignee, Role: "owner"}, s.id,
				conversation.CloseInput{Source: conversation.SourceUser, UserID: s.assignee, Category: category})
			s.closed, s.category = m.clk.Now(), category
			return err
		})
		if i%10 == 0 && !reopen {
			gap := 2 * time.Hour // within the default day: a reopen
			if i%20 == 10 {
				gap = 30 * time.Hour
			}
			plan(i+1, ch, ext, t.Add(gap), gap < 24*time.Hour)
		}
	}
	for i := 0; count < n; i++ {
		day := i % 30
		open := start.AddDate(0, 0, day).Add(time.Duration(r.IntN(24*3600)) * time.Second)
		m.newCont = append(m.newCont, open)
		plan(i, m.channels[i%2], fmt.Sprintf("c%d", i), open, false)
		if i%50 == 0 {
			ext := fmt.Sprintf("c%d", i)
			at := open.Add(time.Minute)
			m.at(at, func() error {
				id, err := m.contactOf(ext)
				if err != nil {
					return err
				}
				m.stages = append(m.stages, m.clk.Now())
				return m.contacts.SetLifecycle(ctx, access.System(m.ws), id, "Customer")
			})
		}
	}
}

func (m *month) contactOf(ext string) (int64, error) {
	var id int64
	err := m.d.Reader().QueryRow(context.Background(), `SELECT contact_id FROM contact_identities WHERE external_id = ?`, ext).Scan(&id)
	return id, err
}

// play runs the actions in time order on the fake clock.
func (m *month) play() { m.playUntil(time.Time{}) }

// playUntil runs, in time order, the actions not played yet that come
// before end (all of them for a zero end).
func (m *month) playUntil(end time.Time) {
	if m.played == 0 {
		sort.SliceStable(m.actions, func(i, j int) bool {
			if !m.actions[i].at.Equal(m.actions[j].at) {
				return m.actions[i].at.Before(m.actions[j].at)
			}
			return m.actions[i].n < m.actions[j].n
		})
	}
	for ; m.played < len(m.actions); m.played++ {
		a := m.actions[m.played]
		if !end.IsZero() && !a.at.Before(end) {
			return
		}
		m.clk.Set(a.at)
		if err := a.do(); err != nil {
			m.t.Fatalf("at %s: %v", a.at, err)
		}
	}
}

func TestScriptedMonth(t *testing.T) {
	n := 2000
	if raceEnabled {
		n = 600
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if d.Dialect == db.Postgres && os.Getenv("SWITCHBOARD_REPORTS_FULL") == "" {
			n = 400 // the same script, shorter: PostgreSQL commits are slower
		}
		ctx := context.Background()
		m := newMonth(t, d)
		_, err := report.New(d, report.Options{}).UpdateSettings(ctx, m.ws, report.Settings{ReopenWindowMinutes: 1440, Holidays: []string{"2026-06-15"}})
		must(t, err)
		m.script(n)

		// The live consumer projects the first half of the month; every
		// day's segments are written; then the second half is played and
		// projected over them, changing facts of days already compacted
		// (conversations answered, reassigned, closed later), which the
		// projection must mark dirty for the figures to stay exact.
		svc := report.New(d, report.Options{})
		// The consumer is woken only when the script has played its part
		// (woken at each of the script's commits it would project the
		// month in thousands of tiny batches: slow, and no more telling).
		hub := event.NewHub()
		g := background.NewGroup(m.clk)
		c := svc.NewConsumer(hub, g)
		runCtx, cancel := context.WithCancel(ctx)
		g.StartAll()
		go c.Run(runCtx)
		project := func() {
			var last int64
			must(t, d.Reader().QueryRow(ctx, `SELECT MAX(id) FROM events`).Scan(&last))
			hub.Notify(last)
			backgroundtest.WaitIdle(t, g)
			if c.Position() != last {
				t.Fatalf("the consumer stopped at event %d of %d", c.Position(), last)
			}
		}
		m.playUntil(time.Date(2026, 6, 16, 0, 0, 0, 0, paris))
		project()
		_, err = svc.CompactAll(ctx)
		must(t, err)
		m.play()
		project()
		cancel()

		e := m.expect()
		figures := m.check(t, svc, e)
		// Every day's segments written: the same numbers from them, and
		// from the fact tables alone.
		if _, err := svc.CompactAll(ctx); err != nil {
			t.Fatal(err)
		}
		var dirty int
		must(t, d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM report_dirty_days`).Scan(&dirty))
		if dirty != 0 {
			t.Fatalf("%d days still dirty after CompactAll", dirty)
		}
		if compacted := m.check(t, svc, e); !reflect.DeepEqual(figures, compacted) {
			t.Fatalf("the segments changed the figures")
		}
		if live := m.check(t, report.New(d, report.Options{Live: true}), e); !reflect.DeepEqual(figures, live) {
			t.Fatalf("the live scan changed the figures")
		}

		// Rebuilt from scratch: the same numbers.
		if _, err := svc.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		again := m.check(t, svc, e)
		if !reflect.DeepEqual(figures, again) {
			t.Fatalf("rebuild changed the figures")
		}
		// Reprocessing the whole log over the projection changes nothing.
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			events, err := event.ListAll(ctx, tx, 0, 1_000_000)
			if err != nil {
				return err
			}
			return svc.Project(ctx, tx, events)
		}))
		if again2 := m.check(t, svc, e); !reflect.DeepEqual(figures, again2) {
			t.Fatalf("reprocessing changed the figures")
		}
		t.Logf("%d conversations, %d responses", len(m.convs), e.responses.ResponseTime.Count)
	})
}
