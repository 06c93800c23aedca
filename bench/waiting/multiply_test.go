package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/demo"
)

// node is an in-process node on a data folder, on a fake clock.
type node struct {
	a    *app.App
	stop func()
}

func startApp(t *testing.T, dir string, fake *clock.Fake, providerURL string) (*node, demo.Result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Config{Addr: "127.0.0.1:0", DataDir: dir, Clock: fake,
		AllowPrivateNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, demo.Services{Workspaces: a.Workspaces, Contacts: a.Contacts, Channels: a.Channels,
		Conversations: a.Conversations, Workflows: a.Workflows}, demo.Options{ChannelURL: providerURL})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, nil) }()
	n := &node{a: a}
	stopped := false
	n.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(n.stop)
	backgroundtest.WaitIdle(t, a.Background)
	return n, res
}

func (n *node) receive(t *testing.T, res demo.Result, external, mid, text string) {
	t.Helper()
	name := "Contact " + external
	_, err := n.a.Conversations.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage,
		WorkspaceID: res.WorkspaceID, ChannelID: res.ChannelID, ExternalID: external, ProviderMessageID: mid,
		Type: "text", Text: text, Profile: contact.Input{FirstName: &name}}})
	if err != nil {
		t.Fatal(err)
	}
}

// A run copied by Multiply is, to the engine, the run it copies: answered,
// it takes the same steps and writes the same messages and events as the
// original answered alike; its timeout fires alike; and starting the node
// on the copies starts no run of its own.
func TestCopiedRunIsIndistinguishable(t *testing.T) {
	const sample, factor = 3, 3
	ctx := context.Background()
	dir := t.TempDir()
	var sent atomic.Int64
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"mId":"p%d"}`, sent.Add(1))
	}))
	defer provider.Close()
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))

	n, res := startApp(t, dir, fake, provider.URL)
	ro, err := harness.OpenSQLite(filepath.Join(dir, db.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	marks, err := ReadMarks(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= sample; i++ {
		n.receive(t, res, externalID(i), fmt.Sprintf("h%d", i), "hello")
	}
	backgroundtest.WaitIdle(t, n.a.Background)
	if got := count(t, ro, `SELECT COUNT(*) FROM workflow_runs WHERE status = 'waiting_reply'`); got != sample {
		t.Fatalf("%d runs wait at the question, want %d", got, sample)
	}
	n.stop()

	rw, err := OpenWritable(filepath.Join(dir, db.SQLiteFile))
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for _, tb := range append(slices.Clone(spaceTables), "report_conversations", "report_contacts", "report_workflow_runs", "report_workflow_steps") {
		before[tb] = count(t, rw, `SELECT COUNT(*) FROM `+tb+` WHERE `+sampleWhere(tb, marks))
	}
	if err := Multiply(ctx, rw, marks, factor); err != nil {
		t.Fatal(err)
	}
	for tb, b := range before {
		if got := count(t, rw, `SELECT COUNT(*) FROM `+tb+` WHERE `+sampleWhere(tb, marks)); got != b*factor {
			t.Errorf("%s: %d sample rows after the copy, want %d × %d", tb, got, b, factor)
		}
	}
	if got := count(t, rw, `SELECT n FROM conversation_counts WHERE status = 'open'`); got != sample*factor {
		t.Errorf("conversation_counts says %d open, want %d", got, sample*factor)
	}
	// Every copied run's references hold together: its conversation is
	// its contact's, its trigger is its conversation's opening, and what
	// it waits after is an event of the store no older than its trigger
	// (the newest event when it began to wait, of whichever conversation:
	// webhooks and runs commit in batches).
	if bad := count(t, rw, `SELECT COUNT(*) FROM workflow_runs r JOIN conversations c ON c.id = r.conversation_id
		JOIN events e ON e.id = r.trigger_event_id
		JOIN events w ON w.id = json_extract(r.data, '$.wait_after')
		JOIN messages m ON m.id = json_extract(r.data, '$.steps.welcome.message_id')
		WHERE c.contact_id <> r.contact_id OR e.conversation_id <> r.conversation_id OR e.type <> 'conversation.opened'
		OR json_extract(r.data, '$.trigger.conversation_id') <> r.conversation_id OR json_extract(r.data, '$.trigger.event_id') <> r.trigger_event_id
		OR w.id < e.id OR m.conversation_id <> r.conversation_id`); bad != 0 {
		t.Errorf("%d runs whose references do not hold together", bad)
	}
	if got := count(t, rw, `SELECT COUNT(*) FROM workflow_runs r JOIN conversations c ON c.id = r.conversation_id
		JOIN events w ON w.id = json_extract(r.data, '$.wait_after') JOIN messages m ON m.id = json_extract(r.data, '$.steps.welcome.message_id')`); got != sample*factor {
		t.Errorf("%d runs joined to their rows, want %d", got, sample*factor)
	}
	rw.Close()

	n, res = startApp(t, dir, fake, provider.URL)
	lastEvent := count(t, ro, `SELECT MAX(id) FROM events`)
	if got := count(t, ro, `SELECT COUNT(*) FROM workflow_runs`); got != sample*factor {
		t.Fatalf("%d runs after the restart on the copies, want %d", got, sample*factor)
	}
	span := int64(count(t, ro, `SELECT MAX(id) FROM workflow_runs`)-int(marks["workflow_runs"])) / factor
	run := func(i, k int) int64 { return marks["workflow_runs"] + int64(i) + int64(k)*span }

	// Contact 1 answers, in the sample and in copy 2.
	n.receive(t, res, externalID(1), "a1", "Sales")
	n.receive(t, res, externalID(1)+"~2", "a1~2", "Sales")
	backgroundtest.WaitIdle(t, n.a.Background)
	same(t, ro, run(1, 0), run(1, 2), lastEvent)
	if got := count(t, ro, fmt.Sprintf(`SELECT COUNT(*) FROM workflow_runs WHERE id IN (%d, %d) AND step = 'to_sales'`, run(1, 0), run(1, 2))); got != 2 {
		t.Fatalf("%d of the two answered runs at to_sales:\n%s\n%s", got, trace(t, ro, run(1, 0), 0), trace(t, ro, run(1, 2), 0))
	}
	// The others' hour passes: every question times out, copies alike.
	fake.Advance(61 * time.Minute)
	backgroundtest.WaitIdle(t, n.a.Background)
	for i := 2; i <= sample; i++ {
		for k := 1; k < factor; k++ {
			same(t, ro, run(i, 0), run(i, k), lastEvent)
		}
	}
	if got := count(t, ro, `SELECT COUNT(*) FROM workflow_runs WHERE step = 'ask_need'`); got != 0 {
		t.Fatalf("%d runs still at the question after its timeout", got)
	}
	if got := count(t, ro, `SELECT COUNT(*) FROM workflow_runs`); got != sample*factor {
		t.Fatalf("%d runs at the end, want %d", got, sample*factor)
	}
}

// sampleWhere selects a table's rows that belong to the sample or its
// copies (above the marks).
func sampleWhere(table string, marks Marks) string {
	if r, ok := reportTables[table]; ok {
		return fmt.Sprintf("%s > %d", r.key, marks[r.space])
	}
	return fmt.Sprintf("id > %d", marks[table])
}

var digits = regexp.MustCompile(`[0-9]+`)

// same fails unless runs a and b stand alike: status, step and variables,
// and the steps, messages and events their conversations got since
// lastEvent, with every number masked (the ids differ).
func same(t *testing.T, d *sql.DB, a, b int64, lastEvent int) {
	t.Helper()
	if x, y := trace(t, d, a, lastEvent), trace(t, d, b, lastEvent); x != y {
		t.Errorf("run %d and its copy %d differ:\n%s\n---\n%s", a, b, x, y)
	} else if !strings.Contains(x, "events:") || strings.Count(x, "\n") < 6 {
		t.Errorf("run %d moved nothing:\n%s", a, x)
	}
}

// trace renders what a run did since lastEvent, numbers masked.
func trace(t *testing.T, d *sql.DB, run int64, lastEvent int) string {
	t.Helper()
	var b strings.Builder
	rows := func(q string, args ...any) {
		r, err := d.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		cols, _ := r.Columns()
		for r.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			if err := r.Scan(p...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, digits.ReplaceAllString(fmt.Sprint(v...), "#"))
		}
	}
	b.WriteString("run:\n")
	rows(`SELECT status, step, json_extract(data, '$.vars'), error, ended_at > 0 FROM workflow_runs WHERE id = ?`, run)
	b.WriteString("steps:\n")
	rows(`SELECT step, type, input, outcome, exit, error FROM workflow_run_steps WHERE run_id = ? ORDER BY id`, run)
	b.WriteString("conversation:\n")
	rows(`SELECT c.status, c.assignee_id IS NULL, c.team_id FROM conversations c JOIN workflow_runs r ON r.conversation_id = c.id WHERE r.id = ?`, run)
	b.WriteString("messages:\n")
	rows(`SELECT m.direction, m.sender, m.type, m.text, m.status FROM messages m JOIN workflow_runs r ON r.conversation_id = m.conversation_id
		WHERE r.id = ? ORDER BY m.id`, run)
	b.WriteString("events:\n")
	rows(`SELECT e.type, e.seq, e.payload FROM events e JOIN workflow_runs r ON r.conversation_id = e.conversation_id
		WHERE r.id = ? AND e.id > ? ORDER BY e.id`, run, lastEvent)
	return b.String()
}

func count(t *testing.T, d *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
