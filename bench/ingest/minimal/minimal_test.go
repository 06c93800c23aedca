package minimal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pipeline is the handler on a real SQLite file, served over real HTTP,
// with a second, read-only connection that sees only committed rows.
type pipeline struct {
	srv    *httptest.Server
	reader *sql.DB
}

func newPipeline(t *testing.T) pipeline {
	t.Helper()
	dir := t.TempDir()
	st, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(7, "secret", st))
	q := url.Values{"mode": {"ro"}}
	reader, err := sql.Open("sqlite", "file:"+filepath.Join(dir, File)+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if err := st.Close(); err != nil {
			t.Error(err)
		}
		reader.Close()
	})
	return pipeline{srv: srv, reader: reader}
}

func body(contact, mid string) string {
	return fmt.Sprintf(`{"channelId":"7","contactId":%q,"events":[{"type":"message","mId":%q,"timestamp":1700000000000,"message":{"type":"text","text":"hello"}}],"contact":{"firstName":"Ada"}}`, contact, mid)
}

func (p pipeline) post(t *testing.T, path, token, b string) (int, []Result) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.srv.URL+path, strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	var out struct{ Results []Result }
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer %s: %v", raw, err)
	}
	return resp.StatusCode, out.Results
}

// committed counts rows through the read-only connection: only what a
// commit made durable and visible.
func (p pipeline) committed(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := p.reader.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const webhook = "/channels/custom/7/webhook"

func TestRedeliveryIsStoredOnceAndAnsweredAfterCommit(t *testing.T) {
	p := newPipeline(t)
	code, first := p.post(t, webhook, "secret", body("+14155550001", "m-1"))
	if code != http.StatusOK || len(first) != 1 || !first[0].Opened || first[0].Duplicate {
		t.Fatalf("first delivery: %d %+v, want 200 and an opened conversation", code, first)
	}
	// The answer came after the commit: another connection sees the rows.
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT COUNT(*) FROM messages WHERE provider_message_id = 'm-1'`, 1},
		{`SELECT COUNT(*) FROM contacts`, 1},
		{`SELECT COUNT(*) FROM conversations WHERE status = 'open'`, 1},
		{`SELECT COUNT(*) FROM events WHERE type IN ('conversation.opened', 'message.received')`, 2},
	} {
		if got := p.committed(t, c.q); got != c.want {
			t.Errorf("after the answer, %s = %d, want %d", c.q, got, c.want)
		}
	}
	code, again := p.post(t, webhook, "secret", body("+14155550001", "m-1"))
	if code != http.StatusOK || len(again) != 1 || !again[0].Duplicate || again[0].MessageID != first[0].MessageID ||
		again[0].ConversationID != first[0].ConversationID {
		t.Fatalf("redelivery: %d %+v, want 200 naming message %+v as a duplicate", code, again, first[0])
	}
	if got := p.committed(t, `SELECT COUNT(*) FROM messages`); got != 1 {
		t.Errorf("after a redelivery %d messages are stored, want 1", got)
	}
	if got := p.committed(t, `SELECT COUNT(*) FROM events`); got != 2 {
		t.Errorf("after a redelivery %d events are stored, want 2", got)
	}
	// A new message of the same contact goes to the open conversation.
	_, next := p.post(t, webhook, "secret", body("+14155550001", "m-2"))
	if len(next) != 1 || next[0].Opened || next[0].ConversationID != first[0].ConversationID || next[0].ContactID != first[0].ContactID {
		t.Fatalf("second message: %+v, want it in conversation %d of contact %d", next, first[0].ConversationID, first[0].ContactID)
	}
	if got := p.committed(t, `SELECT COUNT(*) FROM events WHERE conversation_id = ? AND seq = 3 AND type = 'message.received'`, first[0].ConversationID); got != 1 {
		t.Errorf("the second message's event with seq 3: %d, want 1", got)
	}
}

// Concurrent webhooks share commits; redeliveries racing their first
// delivery (in the same batch or the next) are still stored once.
func TestConcurrentWebhooksAndRedeliveries(t *testing.T) {
	p := newPipeline(t)
	const contacts, copies = 40, 3
	var wg sync.WaitGroup
	errs := make(chan string, contacts*copies)
	for i := range contacts {
		for range copies {
			wg.Go(func() {
				code, res := p.post(t, webhook, "secret", body(fmt.Sprintf("+1415555%04d", i), fmt.Sprintf("m-%d", i)))
				if code != http.StatusOK || len(res) != 1 {
					errs <- fmt.Sprintf("contact %d: %d %+v", i, code, res)
					return
				}
				// Answered only after its commit, whichever copy stored it.
				if n := p.committed(t, `SELECT COUNT(*) FROM messages WHERE id = ?`, res[0].MessageID); n != 1 {
					errs <- fmt.Sprintf("contact %d: message %d answered but not committed", i, res[0].MessageID)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT COUNT(*) FROM messages`, contacts},
		{`SELECT COUNT(DISTINCT provider_message_id) FROM messages`, contacts},
		{`SELECT COUNT(*) FROM contacts`, contacts},
		{`SELECT COUNT(*) FROM conversations`, contacts},
		{`SELECT COUNT(*) FROM events`, 2 * contacts},
	} {
		if got := p.committed(t, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}

func TestBadWebhooksChangeNothing(t *testing.T) {
	p := newPipeline(t)
	for _, c := range []struct {
		name, path, token, body string
		want                    int
	}{
		{"other channel", "/channels/custom/8/webhook", "secret", body("+14155550001", "m-1"), http.StatusNotFound},
		{"no token", webhook, "", body("+14155550001", "m-1"), http.StatusUnauthorized},
		{"wrong token", webhook, "nope", body("+14155550001", "m-1"), http.StatusUnauthorized},
		{"not JSON", webhook, "secret", `{"contactId":`, http.StatusBadRequest},
		{"body names another channel", webhook, "secret", strings.Replace(body("+14155550001", "m-1"), `"7"`, `"8"`, 1), http.StatusUnprocessableEntity},
		{"no contact", webhook, "secret", body("", "m-1"), http.StatusUnprocessableEntity},
		{"no mId", webhook, "secret", body("+14155550001", ""), http.StatusUnprocessableEntity},
		{"no events", webhook, "secret", `{"contactId":"+14155550001","events":[]}`, http.StatusUnprocessableEntity},
		{"too large", webhook, "secret", `{"contactId":"` + strings.Repeat("x", maxBody) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, _ := p.post(t, c.path, c.token, c.body); code != c.want {
				t.Errorf("answered %d, want %d", code, c.want)
			}
		})
	}
	for _, table := range []string{"contacts", "conversations", "messages", "events"} {
		if n := p.committed(t, `SELECT COUNT(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s after refused webhooks, want 0", n, table)
		}
	}
}
