package media_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// An upload nothing references a day after it was made (the composer's
// or the widget's, never sent) is deleted, row and bytes; one a message
// or a workflow names by then is kept for good. The store's work is due
// at the next upload's day and not before: an idle node sleeps until
// then, and once nothing is pending, until told.
func TestUnsentUploadsGoADayOn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		start := f.clock.Now()
		unsent, sent, inWorkflow := f.upload(f.ws), f.upload(f.ws), f.upload(f.ws)
		f.receive(f.ws, f.ch, attachment(sent))
		def, err := workflow.ParseDefinition([]byte(`{"name": "Welcome", "trigger": {"type": "conversation_opened"},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi",
				"attachments": [{"type": "image", "url": "https://switchboard.example` + inWorkflow.FetchPath() + `"}]}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := workflow.NewService(d).Create(ctx, f.ws, def); err != nil {
			t.Fatal(err)
		}
		if next := f.work(); !next.Equal(start.Add(media.UnsentTTL)) {
			t.Fatalf("next work at %v, want a day after the uploads (%v)", next, start.Add(media.UnsentTTL))
		}
		f.clock.Advance(media.UnsentTTL - time.Millisecond)
		f.work()
		for _, m := range []media.Media{unsent, sent, inWorkflow} {
			if got := f.state(f.ws, m.ID); got != "kept" {
				t.Fatalf("a millisecond before the day: %s %s", m.ID, got)
			}
		}
		f.clock.Advance(time.Millisecond)
		if next := f.work(); !next.IsZero() {
			t.Errorf("next work at %v, want none pending", next)
		}
		for m, want := range map[media.Media]string{unsent: "deleted", sent: "kept", inWorkflow: "kept"} {
			if got := f.state(f.ws, m.ID); got != want {
				t.Errorf("%s: %s, want %s", m.FileName, got, want)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media WHERE sweep_at > 0`); n != 0 {
			t.Errorf("%d files still to sweep", n)
		}
	})
}

// With the bytes in S3 and two nodes passing at once, each file is
// deleted by one of them, once; a removal the bucket refuses is due again
// after a backoff and done then.
func TestRemovalsOnTwoNodesWithS3(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		backend := s3mem.New()
		if err := backend.CreateBucket("b"); err != nil {
			t.Fatal(err)
		}
		fake := gofakes3.New(backend).Server()
		var mu sync.Mutex
		deletes := map[string]int{}
		refuse := ""
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				mu.Lock()
				deletes[r.URL.Path]++
				refused := r.URL.Path == refuse && deletes[r.URL.Path] == 1
				mu.Unlock()
				if refused {
					http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
					return
				}
			}
			fake.ServeHTTP(w, r)
		}))
		defer srv.Close()
		node := func() *media.Store {
			s, err := media.New(d, media.Options{Dir: t.TempDir(), S3: &media.S3{Endpoint: srv.URL, Bucket: "b", AccessKey: "AKID",
				SecretKey: "secret", PathStyle: true}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		nodes := []*media.Store{node(), node()}
		var files []media.Media
		for range 6 {
			m, err := nodes[0].Save(ctx, media.Upload{WorkspaceID: f.ws, FileName: "a.txt", Body: strings.NewReader("hello")})
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, m)
		}
		refuse = "/b/" + files[0].ID
		f.clock.Advance(media.UnsentTTL)
		var wg sync.WaitGroup
		for i, n := range nodes {
			wg.Go(func() {
				if _, err := n.Work(int64(i + 1)).Pass(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for _, m := range files {
			if got := deletes["/b/"+m.ID]; got != 1 {
				t.Errorf("%s: %d DELETEs, want 1", m.ID, got)
			}
			if _, err := nodes[1].Get(ctx, f.ws, m.ID); err == nil {
				t.Errorf("%s: its row is still there", m.ID)
			}
		}
		if got := dbtest.Column[string](t, d, `SELECT media_id FROM media_removals`); len(got) != 1 || got[0] != files[0].ID {
			t.Fatalf("removals left %v, want the refused one's", got)
		}
		next, err := nodes[1].Work(2).Pass(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := f.clock.Now().Add(30 * time.Second); !next.Equal(want) {
			t.Fatalf("the refused removal is due at %v, want %v", next, want)
		}
		f.clock.Advance(30 * time.Second)
		if next, err := nodes[1].Work(2).Pass(ctx); err != nil || !next.IsZero() {
			t.Fatalf("retry: next %v, %v", next, err)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_removals`); n != 0 || deletes[refuse] != 2 {
			t.Fatalf("after the retry: %d removals left, %d DELETEs of the refused one", n, deletes[refuse])
		}
		for _, m := range files {
			if _, err := backend.HeadObject("b", m.ID); err == nil {
				t.Errorf("%s is still in the bucket", m.ID)
			}
		}
	})
}
