package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The store keeps the bytes in an S3-compatible bucket: a real S3
// protocol server (gofakes3) receives signed PUTs carrying the content's
// SHA-256, serves the file back whole and by range, and no file lingers
// in the spool folder.
func TestS3Store(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		backend := s3mem.New()
		if err := backend.CreateBucket("switchboard"); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var seen []string
		fake := gofakes3.New(backend).Server()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKID/") || !strings.Contains(auth, "/eu-west-3/s3/aws4_request") {
				http.Error(w, "unsigned", http.StatusForbidden)
				return
			}
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Range"))
			mu.Unlock()
			if r.Method == http.MethodPut {
				body, _ := io.ReadAll(r.Body)
				sum := sha256.Sum256(body)
				if r.Header.Get("X-Amz-Content-Sha256") != hex.EncodeToString(sum[:]) {
					http.Error(w, "payload hash", http.StatusBadRequest)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(body))
			}
			fake.ServeHTTP(w, r)
		}))
		defer srv.Close()
		spool := t.TempDir()
		store, err := media.New(d, media.Options{Dir: spool, S3: &media.S3{Endpoint: srv.URL, Bucket: "switchboard", Region: "eu-west-3",
			AccessKey: "AKID", SecretKey: "secret", PathStyle: true, Prefix: "media/"}})
		if err != nil {
			t.Fatal(err)
		}
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Repeat("0123456789", 100)
		m, err := store.Save(ctx, media.Upload{WorkspaceID: ws.ID, FileName: "notes.txt", DeclaredType: "text/plain", Body: strings.NewReader(text)})
		if err != nil {
			t.Fatal(err)
		}
		obj, err := backend.GetObject("switchboard", "media/"+m.ID, nil)
		if err != nil {
			t.Fatalf("object in the bucket: %v", err)
		}
		obj.Contents.Close()
		_, f, err := store.Open(ctx, ws.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != text {
			t.Fatalf("read back %d bytes, want %d", len(got), len(text))
		}
		// Served as the API serves it: a range is one ranged GET.
		_, f, _ = store.Open(ctx, ws.ID, m.ID)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Range", "bytes=990-")
		http.ServeContent(rec, req, "", m.CreatedAt, f)
		f.Close()
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "0123456789" {
			t.Errorf("range: %d %q", rec.Code, rec.Body.String())
		}
		mu.Lock()
		last := seen[len(seen)-1]
		mu.Unlock()
		if last != "GET /switchboard/media/"+m.ID+" bytes=990-" {
			t.Errorf("last request %q, want a ranged GET", last)
		}
		if entries, _ := filepathGlob(spool); len(entries) != 0 {
			t.Errorf("spool folder holds %v", entries)
		}
	})
}

func filepathGlob(dir string) ([]string, error) { return filepath.Glob(filepath.Join(dir, "*")) }

// s3Fixture is a store keeping its bytes in a gofakes3 bucket "b" behind
// serve (nil: the fake server as it is), and a workspace of it.
type s3Fixture struct {
	store   *media.Store
	backend *s3mem.Backend
	ws      int64
	mu      sync.Mutex
	seen    []string // METHOD path Range, of each request the bucket got
}

func newS3Fixture(t *testing.T, d *db.DB, serve func(w http.ResponseWriter, r *http.Request, fake http.Handler)) *s3Fixture {
	t.Helper()
	f := &s3Fixture{backend: s3mem.New()}
	if err := f.backend.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(f.backend).Server()
	if serve == nil {
		serve = func(w http.ResponseWriter, r *http.Request, fake http.Handler) { fake.ServeHTTP(w, r) }
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Range"))
		f.mu.Unlock()
		serve(w, r, fake)
	}))
	t.Cleanup(srv.Close)
	var err error
	f.store, err = media.New(d, media.Options{Dir: t.TempDir(), S3: &media.S3{Endpoint: srv.URL, Bucket: "b",
		AccessKey: "AKID", SecretKey: "secret", PathStyle: true}})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.New(d).Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	f.ws = ws.ID
	return f
}

// requests returns the requests the bucket got since the last call.
func (f *s3Fixture) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.seen
	f.seen = nil
	return out
}

// An object missing from the bucket (a file of the folder not copied
// before the switch, a lifecycle rule) or a bucket refusing the keys is
// an error of Open, before anything is served: not a 200 whose body
// breaks off empty. A whole file is still read with one GET.
func TestS3OpenOfMissingObjectFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newS3Fixture(t, d, nil)
		text := "hello, world"
		m, err := f.store.Save(ctx, media.Upload{WorkspaceID: f.ws, FileName: "a.txt", Body: strings.NewReader(text)})
		if err != nil {
			t.Fatal(err)
		}
		f.requests()
		_, file, err := f.store.Open(ctx, f.ws, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", m.ContentType) // as the API serves it: no sniffing read
		http.ServeContent(rec, httptest.NewRequest(http.MethodGet, "/x", nil), "", m.CreatedAt, file)
		file.Close()
		if rec.Code != http.StatusOK || rec.Body.String() != text {
			t.Fatalf("served %d %q", rec.Code, rec.Body.String())
		}
		if got := f.requests(); len(got) != 1 || got[0] != "GET /b/"+m.ID+" " {
			t.Fatalf("requests %q, want one GET", got)
		}
		if _, err := f.backend.DeleteObject("b", m.ID); err != nil {
			t.Fatal(err)
		}
		if _, file, err := f.store.Open(ctx, f.ws, m.ID); err == nil || !strings.Contains(err.Error(), "404") {
			if file != nil {
				file.Close()
			}
			t.Fatalf("open of a missing object: %v, want the bucket's 404", err)
		}
	})
}

// A server that answers a ranged GET with the whole object (200: a proxy
// or an S3-compatible server without ranges, as HTTP allows) still gives
// the bytes of the range asked, not the object's first ones.
func TestS3RangeAnsweredWholeServesTheRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newS3Fixture(t, d, func(w http.ResponseWriter, r *http.Request, fake http.Handler) {
			r.Header.Del("Range")
			fake.ServeHTTP(w, r)
		})
		text := strings.Repeat("a", 990) + "0123456789"
		m, err := f.store.Save(ctx, media.Upload{WorkspaceID: f.ws, FileName: "a.txt", Body: strings.NewReader(text)})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ rng, want string }{
			{"bytes=990-", "0123456789"},
			{"bytes=995-997", "567"},
			{"bytes=-3", "789"},
		} {
			_, file, err := f.store.Open(ctx, f.ws, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", m.ContentType)
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			req.Header.Set("Range", tc.rng)
			http.ServeContent(rec, req, "", m.CreatedAt, file)
			file.Close()
			if rec.Code != http.StatusPartialContent || rec.Body.String() != tc.want {
				t.Errorf("%s: %d %q, want 206 %q", tc.rng, rec.Code, rec.Body.String(), tc.want)
			}
		}
	})
}

// failingWriter is a ResponseWriter whose client goes away when the
// answer reaches a chunk holding gone.
type failingWriter struct {
	h    http.Header
	gone string
}

func (w *failingWriter) Header() http.Header { return w.h }
func (w *failingWriter) WriteHeader(int)     {}
func (w *failingWriter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.gone) {
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

// A multi-range answer's parts are read by a goroutine of
// http.ServeContent's own, which goes on after a client gone: the file's
// Close, once ServeContent returns, ends the GET that goroutine has under
// way, rather than leaving its connection to the bucket open (and racing
// with it over the body).
func TestS3CloseEndsTheGetUnderWay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ranged, release, closed := make(chan struct{}), make(chan struct{}), make(chan bool, 1)
		f := newS3Fixture(t, d, func(w http.ResponseWriter, r *http.Request, fake http.Handler) {
			if r.Method != http.MethodGet || r.Header.Get("Range") == "" {
				fake.ServeHTTP(w, r)
				return
			}
			close(ranged)
			select {
			case <-release:
				w.Header().Set("Content-Range", "bytes 50000-99999/100000")
				w.WriteHeader(http.StatusPartialContent)
				w.Write(make([]byte, 4096))
				w.(http.Flusher).Flush()
			case <-r.Context().Done():
			}
			select {
			case <-r.Context().Done():
				closed <- true
			case <-time.After(5 * time.Second):
				closed <- false
			}
		})
		text := strings.Repeat("0123456789", 10_000)
		m, err := f.store.Save(ctx, media.Upload{WorkspaceID: f.ws, FileName: "a.txt", Body: strings.NewReader(text)})
		if err != nil {
			t.Fatal(err)
		}
		_, file, err := f.store.Open(ctx, f.ws, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := &failingWriter{h: http.Header{"Content-Type": {m.ContentType}}, gone: "Content-Range: bytes 50000-"}
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Range", "bytes=0-9,50000-99999")
		http.ServeContent(w, req, "", m.CreatedAt, file)
		select {
		case <-ranged: // the goroutine asks for the second part, for nobody
		case <-time.After(5 * time.Second):
			t.Fatal("no ranged GET")
		}
		file.Close()
		close(release)
		if !<-closed {
			t.Fatal("the ranged GET's connection was left open after Close")
		}
	})
}
