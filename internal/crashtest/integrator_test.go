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
// message's id, so a test can tell a message sent twice. It accepts
// every POST unless told to misbehave (integrator_faults_test.go).
type integrator struct {
	URL string
	mu  sync.Mutex
	got map[string]int // Idempotency-Key -> POSTs answered 200

	// While misbehaving: policy decides each POST's answer, from its key
	// and how many POSTs of that key came before; healed ends it.
	policy    func(key string, post int) fault
	posts     map[string]int // Idempotency-Key -> POSTs received
	faults    map[fault]int  // answers given, by kind
	refusals  map[string]int // Idempotency-Key -> POSTs refused for good (422)
	holdNext  int            // POSTs to come to be slow, whatever the policy says
	held      int            // slow POSTs waiting now
	abandoned int            // slow POSTs the node gave up on (its send timeout)
	healed    chan struct{}
	healOnce  sync.Once
}

func startIntegrator(t *testing.T) *integrator {
	in := &integrator{got: map[string]int{}, posts: map[string]int{}, faults: map[fault]int{}, refusals: map[string]int{}, healed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || r.URL.Path != "/message" || key == "" {
			http.Error(w, `{"error":{"message":"unexpected request"}}`, http.StatusBadRequest)
			return
		}
		if in.misbehave(w, r, key) {
			return
		}
		in.mu.Lock()
		in.got[key]++
		in.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"mId": "out-" + key})
	}))
	t.Cleanup(func() {
		in.heal() // lets slow POSTs still held end, or Close would wait for them
		srv.Close()
	})
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

// accepted returns how many times the message with this key was
// answered 200.
func (in *integrator) accepted(key string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got[key]
}
