package media

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A download served from the bucket lasts as long as the one reading it
// takes (a large video to a phone on a slow link, read at its pace): the
// time limit is on the bucket's answering, not on reading the whole body.
// A bucket that does not answer is still given up. The limit is made
// short here; the body's second half comes three limits after its first.
func TestS3SlowBodyIsNotCutOff(t *testing.T) {
	defer func(d time.Duration) { s3Timeout = d }(s3Timeout)
	// Long enough that a loaded machine answers the headers in time;
	// the body stalls past it.
	s3Timeout = 500 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/hung") {
			<-r.Context().Done() // no answer until the client gives up
			return
		}
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "01234")
		w.(http.Flusher).Flush()
		select {
		case <-time.After(3 * s3Timeout):
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "56789")
	}))
	defer srv.Close()
	b, err := newS3(S3{Endpoint: srv.URL, Bucket: "b", AccessKey: "a", SecretKey: "s", PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	o, err := b.open(context.Background(), "slow", 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(o)
	o.Close()
	if string(got) != "0123456789" || err != nil {
		t.Fatalf("read %q, %v; want the whole body", got, err)
	}
	b.backoff = 0
	if _, err := b.open(context.Background(), "hung", 10); err == nil {
		t.Fatal("a bucket that never answers: no error")
	}
}
