package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// eventList is the answer of GET /api/v1/events.
type eventList struct {
	Data []struct {
		ID      int64
		Type    string
		Payload struct {
			FirstName string `json:"first_name"`
		}
	}
	NextCursor string `json:"next_cursor"`
}

func TestEventsAfterCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		names := []string{"A", "B", "C", "D"}
		for _, n := range names {
			f.run(t, []scenario{{name: "contact " + n, method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"` + n + `"}`, status: 201}})
		}
		var all eventList
		f.get(t, "/api/v1/events", "agent", &all)
		if len(all.Data) != len(names) {
			t.Fatalf("%d events, want %d: %+v", len(all.Data), len(names), all)
		}
		for i, e := range all.Data {
			if e.Type != "contact.created" || e.Payload.FirstName != names[i] || (i > 0 && e.ID <= all.Data[i-1].ID) {
				t.Fatalf("event %d is %+v, want contact.created of %s in id order", i, e, names[i])
			}
		}
		if all.NextCursor != itoa(all.Data[3].ID) {
			t.Errorf("next_cursor = %q, want the last id %d", all.NextCursor, all.Data[3].ID)
		}

		var later eventList
		f.get(t, "/api/v1/events?after="+itoa(all.Data[1].ID), "agent", &later)
		if len(later.Data) != 2 || later.Data[0].ID != all.Data[2].ID || later.Data[1].ID != all.Data[3].ID {
			t.Fatalf("after %d: %+v, want the last two events", all.Data[1].ID, later)
		}

		// Paging with limit walks the same events in order.
		var walked []int64
		cursor := "0"
		for range 10 {
			var pg eventList
			f.get(t, "/api/v1/events?limit=3&after="+cursor, "agent", &pg)
			if len(pg.Data) == 0 {
				if pg.NextCursor != cursor {
					t.Errorf("an empty page moved the cursor from %s to %s", cursor, pg.NextCursor)
				}
				break
			}
			for _, e := range pg.Data {
				walked = append(walked, e.ID)
			}
			cursor = pg.NextCursor
		}
		if len(walked) != 4 || walked[0] != all.Data[0].ID || walked[3] != all.Data[3].ID {
			t.Errorf("paging walked %v, want %v", walked, all.Data)
		}

		var typed, none eventList
		f.get(t, "/api/v1/events?types=contact.updated,conversation.opened", "agent", &typed)
		f.get(t, "/api/v1/events", "stranger", &none)
		if len(typed.Data) != 0 || len(none.Data) != 0 {
			t.Errorf("type filter gave %+v, another workspace saw %+v; want nothing", typed, none)
		}
	})
}

// sse reads a server-sent event stream line by line.
type sse struct {
	lines  chan string
	cancel context.CancelFunc
	resp   *http.Response
}

func (f *fixture) stream(t *testing.T, query string, header map[string]string) *sse {
	t.Helper()
	return f.streamAs(t, "agent", query, header)
}

// streamAs opens the stream with the fixture token of that name.
func (f *fixture) streamAs(t *testing.T, as, query string, header map[string]string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/events/stream"+query, nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sse{lines: make(chan string, 100), cancel: cancel, resp: resp}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *sse) close() {
	s.cancel()
	s.resp.Body.Close()
}

// next returns the next line, failing the test after liveWait of silence.
// The stream pushes at once, so the bound is only a last resort against a
// hanging test, generous for a busy machine; no test waits it out to prove
// that nothing comes. (A keepalive comment every 15 s may come first on a
// slow run: event passes over it.)
func (s *sse) next(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-s.lines:
		if !ok {
			t.Fatal("the stream ended")
		}
		return line
	case <-time.After(liveWait):
		t.Fatalf("no line from the stream within %s", liveWait)
	}
	return ""
}

// event reads up to the end of the next event and returns its id and type.
func (s *sse) event(t *testing.T) (id int64, typ, data string) {
	t.Helper()
	for {
		line := s.next(t)
		switch {
		case line == "" && id != 0:
			return id, typ, data
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
		case strings.HasPrefix(line, "event: "):
			typ = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func TestEventStream(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{{name: "before", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Before"}`,
			status: 201}})
		var all eventList
		f.get(t, "/api/v1/events", "agent", &all)
		first := all.Data[0].ID

		s := f.stream(t, "?after="+itoa(first), nil)
		if line := s.next(t); line != ": connected" {
			t.Fatalf("first line %q, want the connected comment", line)
		}
		// This event commits after the client connected: the hub must push it.
		f.run(t, []scenario{{name: "during", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"During"}`,
			status: 201}})
		id, typ, data := s.event(t)
		if id <= first || typ != "contact.created" || !strings.Contains(data, `"first_name":"During"`) {
			t.Fatalf("streamed %d %s %s; want contact.created of During after %d", id, typ, data, first)
		}
		f.run(t, []scenario{{name: "another", method: "POST", path: "/api/v1/contacts", as: "agent", body: `{"first_name":"Third"}`,
			status: 201}})
		third, _, data := s.event(t)
		if third <= id || !strings.Contains(data, "Third") {
			t.Fatalf("streamed %d %s; want Third after %d", third, data, id)
		}
		s.close()

		// Reconnecting with Last-Event-ID resumes right after that event.
		r := f.stream(t, "", map[string]string{"Last-Event-ID": itoa(id)})
		got, _, data := r.event(t)
		if got != third || !strings.Contains(data, "Third") {
			t.Fatalf("resumed with %d %s, want %d (Third)", got, data, third)
		}
		f.run(t, []scenario{
			{name: "a malformed Last-Event-ID", method: "GET", path: "/api/v1/events/stream", as: "agent",
				header: map[string]string{"Last-Event-ID": "yesterday"}, status: 400},
			{name: "the stream needs a token", method: "GET", path: "/api/v1/events/stream", status: 401},
		})
	})
}

// A browser's EventSource reconnects to the URL it was opened with, so a
// stream opened with ?after= is reconnected with that same ?after= and a
// Last-Event-ID of the last event it received: it must resume after the
// latter, not send again what the client already has.
func TestEventStreamReconnectResumesFromLastEventIDNotTheURL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, n := range []string{"A", "B", "C"} {
			f.run(t, []scenario{{name: "contact " + n, method: "POST", path: "/api/v1/contacts", as: "agent",
				body: `{"first_name":"` + n + `"}`, status: 201}})
		}
		var all eventList
		f.get(t, "/api/v1/events", "agent", &all)
		if len(all.Data) != 3 {
			t.Fatalf("%d events, want 3", len(all.Data))
		}
		// Opened with ?after=A, it received B, then the connection dropped.
		s := f.stream(t, "?after="+itoa(all.Data[0].ID), map[string]string{"Last-Event-ID": itoa(all.Data[1].ID)})
		if got, _, data := s.event(t); got != all.Data[2].ID {
			t.Fatalf("the reconnected stream sent %d (%s) first, want %d (C): B again is a duplicate", got, data, all.Data[2].ID)
		}
	})
}
