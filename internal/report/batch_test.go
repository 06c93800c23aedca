package report_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestBatchedProjectionMatchesOneEventAtATime: the projection reads what
// a pass needs before it and writes its rows after it, so a pass of many
// events must leave exactly the rows that projecting them one event at a
// time leaves — the facts, responses, message days, contacts, lifecycle,
// workflow runs and steps, and, once compacted, the segments. The log is
// the scripted month (reopens, reassignments, closes, business hours)
// with workflow runs, a replayed event and a contact whose conversations
// arrive out of time order: one opened before the close of the previous
// one in an earlier pass, then one after it in the same pass.
func TestBatchedProjectionMatchesOneEventAtATime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n := 240
		if d.Dialect == db.Postgres && os.Getenv("SWITCHBOARD_REPORTS_FULL") == "" {
			n = 80 // PostgreSQL commits are slower
		}
		m := newMonth(t, d)
		svc := report.New(d, report.Options{})
		_, err := svc.UpdateSettings(ctx, m.ws, report.Settings{ReopenWindowMinutes: 1440, Holidays: []string{"2026-06-15"}})
		must(t, err)
		m.script(n)
		m.play()

		// Workflow runs on a conversation: one finished, one failed, one
		// running, and one whose start the log does not hold.
		conv, contact := m.convs[0].id, m.convs[0].contact
		ev := func(typ event.Type, convID int64, payload map[string]any) event.New {
			return event.New{WorkspaceID: m.ws, Type: typ, ConversationID: convID, ContactID: contact, Payload: payload}
		}
		at := time.Date(2026, 7, 2, 9, 0, 0, 0, paris)
		for run, steps := range [][]string{{"welcome", "ask", "assign"}, {"welcome", "ask"}, {"welcome"}, {"late"}} {
			id := int64(900 + run)
			if run != 3 {
				appendAt(t, d, m.clk, at, ev(event.WorkflowRunStarted, conv, map[string]any{"run_id": id, "workflow_id": 5, "step": steps[0]}))
			}
			for _, st := range steps[1:] {
				appendAt(t, d, m.clk, at.Add(time.Minute), ev(event.WorkflowStep, conv, map[string]any{"run_id": id, "workflow_id": 5, "step": st}))
			}
			switch run {
			case 0:
				appendAt(t, d, m.clk, at.Add(time.Hour), ev(event.WorkflowRunEnded, conv, map[string]any{"run_id": id, "workflow_id": 5, "status": "finished", "step": "assign"}))
			case 1, 3:
				appendAt(t, d, m.clk, at.Add(time.Hour), ev(event.WorkflowRunEnded, conv, map[string]any{"run_id": id, "workflow_id": 5, "status": "failed"}))
				appendAt(t, d, m.clk, at.Add(2*time.Hour), ev(event.WorkflowStep, conv, map[string]any{"run_id": id, "workflow_id": 5, "step": "after-end"}))
			}
		}
		// A contact whose second conversation's events carry an earlier
		// time than the first's close, then a third after it (their rows
		// closed: one open conversation per contact).
		var late int64
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Late', 0, 0) RETURNING id`,
				m.ws).Scan(&late)
		}))
		out := func(id int64) func(event.Type, map[string]any) event.New {
			must(t, d.Write(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO conversations (id, workspace_id, contact_id, status, opened_source, opened_at)
					VALUES (?, ?, ?, 'closed', 'contact', ?)`, id, m.ws, late, tx.Now())
				return err
			}))
			return func(typ event.Type, p map[string]any) event.New {
				return event.New{WorkspaceID: m.ws, Type: typ, ConversationID: id, ContactID: late, Payload: p}
			}
		}
		a, b, c := out(9101), out(9102), out(9103)
		appendAt(t, d, m.clk, at, a(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, m.clk, at.Add(10*time.Hour), a(event.ConversationClosed, map[string]any{"source": "user", "category": "bug"}))
		var split int64 // the first event of the out-of-order pass
		must(t, d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM events`).Scan(&split))
		appendAt(t, d, m.clk, at.Add(10*time.Hour), b(event.ConversationOpened, map[string]any{"source": "contact"}))
		// The fake clock never goes back: the event's time is set after.
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE events SET created_at = ? WHERE id = ?`, at.Add(5*time.Hour).UnixMilli(), split)
			return err
		}))
		appendAt(t, d, m.clk, at.Add(20*time.Hour), c(event.ConversationOpened, map[string]any{"source": "contact"}))
		appendAt(t, d, m.clk, at.Add(21*time.Hour), c(event.MessageReceived, map[string]any{"channel_id": m.channels[0]}))

		events, err := event.ListAll(ctx, d.Reader(), 0, 1_000_000)
		must(t, err)
		// The same event twice in one pass: applied once.
		events = append(events, events[len(events)-1])
		project := func(passes [][]event.Event) map[string][]string {
			must(t, svc.Reset(ctx))
			for _, pass := range passes {
				must(t, d.Write(ctx, func(tx *db.Tx) error { return svc.Project(ctx, tx, pass) }))
			}
			_, err := svc.CompactAll(ctx)
			must(t, err)
			return dumpReport(t, d)
		}
		chunks := func(size int) [][]event.Event {
			var out [][]event.Event
			for from := 0; from < len(events); from += size {
				out = append(out, events[from:min(from+size, len(events))])
			}
			return out
		}
		want := project(chunks(1))
		if !slices.ContainsFunc(want["report_conversations"], func(r string) bool {
			return strings.HasPrefix(r, "conversation_id=9102 ") && strings.Contains(r, " reopen=0 ")
		}) {
			t.Fatalf("the conversation opened before the previous one closed counted as a reopen")
		}
		if len(want["report_conversations"]) < n || len(want["report_workflow_runs"]) != 3 || len(want["report_segments"]) == 0 {
			t.Fatalf("the log projected one event at a time left %d facts, %d runs and %d segments", len(want["report_conversations"]),
				len(want["report_workflow_runs"]), len(want["report_segments"]))
		}
		cut := 0
		for cut < len(events) && events[cut].ID < split {
			cut++
		}
		for name, passes := range map[string][][]event.Event{
			"one pass":                    {events},
			"passes of 7":                 chunks(7),
			"passes of 64":                chunks(64),
			"out of order in a late pass": {events[:cut], events[cut:]},
		} {
			got := project(passes)
			for table, rows := range want {
				if !reflect.DeepEqual(rows, got[table]) {
					t.Errorf("%s: %s differs from one event at a time:\n got %d rows %s\nwant %d rows %s", name, table,
						len(got[table]), firstDiff(got[table], rows), len(rows), firstDiff(rows, got[table]))
				}
			}
		}
	})
}

// dumpReport reads every row of the projection's tables, in key order.
// Dirty days are left out: how often a day was marked depends on the
// passes, and the segments written from them are compared instead.
func dumpReport(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, key := range map[string]string{
		"report_conversations":  "conversation_id",
		"report_responses":      "event_id",
		"report_message_days":   "workspace_id, day, channel_id, direction, sender, user_id, team_id",
		"report_contacts":       "contact_id",
		"report_lifecycle":      "event_id",
		"report_workflow_runs":  "run_id",
		"report_workflow_steps": "run_id, step",
		"report_segments":       "workspace_id, kind, day",
	} {
		rows, err := d.Reader().Query(context.Background(), `SELECT * FROM `+table+` ORDER BY `+key)
		must(t, err)
		cols, err := rows.Columns()
		must(t, err)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			var b strings.Builder
			for i, v := range vals {
				if b.Len() > 0 {
					b.WriteString(" ")
				}
				switch x := v.(type) {
				case []byte:
					v = fmt.Sprintf("%x", x)
				case nil:
					v = sql.NullString{}
				}
				fmt.Fprintf(&b, "%s=%v", cols[i], v)
			}
			out[table] = append(out[table], b.String())
		}
		must(t, rows.Err())
		rows.Close()
	}
	return out
}

// firstDiff is the first row of a that b lacks, for the failure message.
func firstDiff(a, b []string) string {
	in := map[string]bool{}
	for _, r := range b {
		in[r] = true
	}
	for _, r := range a {
		if !in[r] {
			return "(first not in the other: " + r + ")"
		}
	}
	return ""
}

// BenchmarkProjectNewContacts projects a pass of the events a webhook
// burst of new contacts appends (contact created, conversation opened,
// message received): the report consumer's share of the ingest path, on
// the writer.
func BenchmarkProjectNewContacts(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	ctx := context.Background()
	w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
	must(b, err)
	channel := customChannel(b, d, w.ID)
	in := make([]conversation.Inbound, 256)
	for i := range in {
		in[i] = conversation.Inbound{Kind: conversation.KindMessage, WorkspaceID: w.ID, ChannelID: channel, ExternalID: fmt.Sprintf("c%d", i),
			Type: "text", Text: "hello"}
	}
	_, err = conversation.New(d).Receive(ctx, in)
	must(b, err)
	events, err := event.ListAll(ctx, d.Reader(), 0, 10_000)
	must(b, err)
	svc := report.New(d, report.Options{})
	// Each pass is rolled back: the projection's statements, without the
	// commit's fsync, whose time is the disk's.
	rollback := errors.New("rolled back")
	cpu := func() time.Duration { // this process's CPU: what the load around it moves least
		var ru syscall.Rusage
		must(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b.ResetTimer()
	before := cpu()
	for range b.N {
		err := d.Write(ctx, func(tx *db.Tx) error {
			if err := svc.Project(ctx, tx, events); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpu()-before).Microseconds())/float64(b.N*len(in)), "cpu-µs/message")
}
