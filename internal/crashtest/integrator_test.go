package crashtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// integrator is the custom channel's integrator: it receives the
// outbound messages the nodes send (POST <base URL>/message) and counts
// each message's deliveries by its Idempotency-Key, which is the
// message's id, so a test can tell a message sent twice.
type integrator struct {
	URL string
	mu  sync.Mutex
	got map[string]int // Idempotency-Key -> POSTs answered 200
}

func startIntegrator(t *testing.T) *integrator {
	in := &integrator{got: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || r.URL.Path != "/message" || key == "" {
			http.Error(w, `{"error":{"message":"unexpected request"}}`, http.StatusBadRequest)
			return
		}
		in.mu.Lock()
		in.got[key]++
		in.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"mId": "out-" + key})
	}))
	t.Cleanup(srv.Close)
	in.URL = srv.URL
	return in
}

// deliveries returns how many messages were delivered, and those
// delivered more than once with their counts.
func (in *integrator) deliveries() (n int, repeated map[string]int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	repeated = map[string]int{}
	for k, c := range in.got {
		if c > 1 {
			repeated[k] = c
		}
	}
	return len(in.got), repeated
}
