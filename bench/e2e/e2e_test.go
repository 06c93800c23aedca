package main

import (
	"context"
	"database/sql"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// The switchboard binary the tests run, built once for the package.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func testBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "switchboard-e2e-test-*"); built.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		built.bin, built.err = harness.Build(ctx, built.dir, false)
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// TestTinyRun runs the whole benchmark small against the real binary, so
// it keeps working as the server changes: every contact must complete its
// exchange, the store checks must pass, and only this benchmark's section
// of the markdown file may change.
func TestTinyRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := testBinary(t)
	out := filepath.Join(dir, "benchmarks.md")
	other := "# Benchmarks\n\n## Ingest\n\ningest numbers\n"
	if err := os.WriteFile(out, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	c := config{Bin: bin, Contacts: 24, WidgetShare: 0.5, Agents: 3, Capacity: 2, Rate: 50, Concurrency: 24,
		Ramp: 300 * time.Millisecond, Think: 20 * time.Millisecond, Timeout: 30 * time.Second,
		Charts: filepath.Join(dir, "charts"), Out: out, Command: "go test ./bench/e2e"}
	res, err := run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !res.ok() {
		t.Fatalf("the run failed: completed %d of %d, failures %v %v, problems %v", res.Completed, res.Started, res.Failures, res.FirstFail, res.V.Problems)
	}
	if res.Kinds["custom"] != 12 || res.Kinds["widget"] != 12 {
		t.Errorf("contacts by channel %v, want 12 each", res.Kinds)
	}
	for i, s := range res.Stages {
		if s.N != c.Contacts {
			t.Errorf("stage %s measured %d times, want %d", stageNames[i], s.N, c.Contacts)
		}
	}
	if res.V.MaxOpenPerAgent < 1 || res.V.MaxOpenPerAgent > int64(c.Capacity) {
		t.Errorf("an agent held at most %d conversations, want 1..%d", res.V.MaxOpenPerAgent, c.Capacity)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), other) || !strings.Contains(string(doc), "\n## End to end\n") {
		t.Errorf("the markdown file should keep the other section and add this one:\n%s", doc)
	}
	for _, name := range []string{"e2e-stages.png", "e2e-throughput.png"} {
		if !strings.Contains(string(doc), "](charts/"+name+")") {
			t.Errorf("the section does not link charts/%s", name)
		}
		f, err := os.Open(filepath.Join(dir, "charts", name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 400 {
			t.Errorf("%s is %v, too small to read", name, b)
		}
	}
}

// The capacity check replays the event log; it must catch an agent given
// a conversation above its capacity, and not count a freed slot.
func TestReplayCapacity(t *testing.T) {
	st, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, conversation_id BIGINT, payload TEXT)`); err != nil {
		t.Fatal(err)
	}
	insert := func(typ string, conv int64, payload string) {
		if _, err := st.Exec(`INSERT INTO events (type, conversation_id, payload) VALUES (?, ?, ?)`, typ, conv, payload); err != nil {
			t.Fatal(err)
		}
	}
	insert("conversation.assigned", 1, `{"assignee_id": 7}`)
	insert("conversation.assigned", 2, `{"assignee_id": 7}`)
	insert("conversation.closed", 1, `{}`)
	insert("conversation.assigned", 3, `{"assignee_id": 7}`) // 2 open: within a capacity of 2
	insert("conversation.assigned", 4, `{"assignee_id": 9}`) // not a bench agent
	insert("conversation.assigned", 4, `{"assignee_id": 7}`) // reassigned: 9 loses it, 7 holds 3
	tests := []struct {
		capacity int
		over     int64
	}{{2, 1}, {3, 0}}
	for _, tt := range tests {
		var v verdict
		if err := replayCapacity(context.Background(), st, map[int64]bool{7: true}, tt.capacity, &v); err != nil {
			t.Fatal(err)
		}
		if v.MaxOpenPerAgent != 3 || v.OverCapacity != tt.over || v.AssignmentEvents != 5 {
			t.Errorf("capacity %d: %+v, want max 3, %d over, 5 assignments", tt.capacity, v, tt.over)
		}
	}
}

func TestSummarize(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := summarize(d)
	want := percentiles{N: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (percentiles{}) {
		t.Errorf("summarize(nil) = %+v", got)
	}
}

func TestLabels(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{450 * time.Microsecond, "450 µs"}, {time.Millisecond, "1 ms"}, {2500 * time.Microsecond, "2.5 ms"},
		{120 * time.Millisecond, "120 ms"}, {3400 * time.Millisecond, "3.4 s"}, {42 * time.Second, "42 s"},
	} {
		if got := durationLabel(tt.d); got != tt.want {
			t.Errorf("durationLabel(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
	for v, want := range map[float64]float64{0: 1, 0.3: 0.5, 1: 1, 7: 10, 12: 20, 41: 50} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}
