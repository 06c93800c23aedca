package media

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 answers 500 InternalError and 503 SlowDown now and then, and AWS
// asks clients to send the request again: a PUT, a GET and a DELETE so
// answered are sent again (the PUT with its whole body), up to three
// times; a refusal (403) is not, and a bucket failing every time is an
// error after the third.
func TestS3RetriesPassingErrors(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("b"); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(backend).Server()
	var mu sync.Mutex
	fail := map[string][]int{} // method → statuses to answer before serving
	sent := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent[r.Method]++
		var status int
		if f := fail[r.Method]; len(f) > 0 {
			status, fail[r.Method] = f[0], f[1:]
		}
		mu.Unlock()
		if status != 0 {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(status)
			io.WriteString(w, "<Error><Code>SlowDown</Code></Error>")
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	b, err := newS3(S3{Endpoint: srv.URL, Bucket: "b", AccessKey: "a", SecretKey: "s", PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	b.backoff = 0
	ctx := context.Background()
	reset := func(method string, statuses ...int) {
		mu.Lock()
		defer mu.Unlock()
		fail[method], sent = statuses, map[string]int{}
	}
	count := func(method string) int {
		mu.Lock()
		defer mu.Unlock()
		return sent[method]
	}
	data := []byte("hello, bucket")
	spool := filepath.Join(t.TempDir(), "spool")
	if err := os.WriteFile(spool, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(spool)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	reset("PUT", 503, 500)
	if err := b.put(ctx, "id1", f, int64(len(data)), sha256Hex(data)); err != nil || count("PUT") != 3 {
		t.Fatalf("put after two passing errors: %v, %d PUTs", err, count("PUT"))
	}
	reset("GET", 503)
	o, err := b.open(ctx, "id1", int64(len(data)))
	if err != nil || count("GET") != 2 {
		t.Fatalf("open after a passing error: %v, %d GETs", err, count("GET"))
	}
	got, err := io.ReadAll(o)
	o.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %q, %v", got, err)
	}
	reset("GET", 403)
	if _, err := b.open(ctx, "id1", int64(len(data))); err == nil || count("GET") != 1 {
		t.Fatalf("open refused: %v, %d GETs, want an error after one", err, count("GET"))
	}
	reset("GET", 503, 503, 503, 503)
	if _, err := b.open(ctx, "id1", int64(len(data))); err == nil || count("GET") != 3 {
		t.Fatalf("open always failing: %v, %d GETs, want an error after three", err, count("GET"))
	}
	reset("DELETE", 500)
	b.remove(ctx, "id1")
	if count("DELETE") != 2 {
		t.Fatalf("%d DELETEs, want 2", count("DELETE"))
	}
	if _, err := backend.HeadObject("b", "id1"); err == nil {
		t.Fatal("the object is still there")
	}
}

func sha256Hex(b []byte) string { return hexSHA256(string(b)) }
