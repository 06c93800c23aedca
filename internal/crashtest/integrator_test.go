package crashtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// integrator is the custom channel's integrator: it receives the
// outbound messages the nodes send (POST <base URL>/message) and counts
// each message's deliveries by its Idempotency-Key, which is the
// message's id, so a test can tell a message sent twice. It accepts
// every POST unless told to misbehave (TestIntegratorSlowAndFailing).
type integrator struct {
	URL string
	mu  sync.Mutex
	got map[string]int // Idempotency-Key -> POSTs answered 200
	// order lists each contact's Idempotency-Keys in the order they were
	// answered 200 (the body's contactId: a contact on the channel).
	order map[string][]string

	// While misbehaving: policy decides each POST's answer, from its key
	// and how many POSTs of that key came before; healed ends it.
	policy    func(key string, post int) fault
	posts     map[string]int // Idempotency-Key -> POSTs received
	faults    map[fault]int  // answers given, by kind
	refusals  map[string]int // Idempotency-Key -> POSTs refused for good (422)
	holdNext  int            // POSTs to come to be slow, whatever the policy says
	held      map[string]int // Idempotency-Key -> its slow POSTs waiting now
	abandoned int            // slow POSTs the node gave up on (its send timeout)
	healed    chan struct{}
	healOnce  sync.Once
	// onMessage, when set, is told each message answered 200: the
	// contact it is for, the id the integrator gave it (the mId a status
	// report names) and its text, as a provider hands it to the person's
	// phone (TestProofAtSize's contacts read their questions).
	onMessage func(contactID, mID, text string)
}

func startIntegrator(t *testing.T) *integrator {
	in := &integrator{got: map[string]int{}, order: map[string][]string{}, posts: map[string]int{}, faults: map[fault]int{}, refusals: map[string]int{}, held: map[string]int{},
		healed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ContactID string `json:"contactId"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		json.NewDecoder(r.Body).Decode(&body)
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
		in.order[body.ContactID] = append(in.order[body.ContactID], key)
		first, notify := in.got[key] == 1, in.onMessage
		in.mu.Unlock()
		if notify != nil && first {
			notify(body.ContactID, "out-"+key, body.Message.Text)
		}
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

// setOnMessage sets the integrator's onMessage.
func (in *integrator) setOnMessage(f func(contactID, mID, text string)) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.onMessage = f
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

// outOfOrder lists the contacts that were sent a message before an
// earlier one (a lower id), leaving out the messages skip names: a
// contact receives messages in the order they were written, one waiting
// for a retry holding back those after it (docs/architecture.md,
// Outbound). several is how many contacts were sent more than one.
func (in *integrator) outOfOrder(skip func(key string) bool) (bad map[string][]string, several int) {
	in.mu.Lock()
	order := make(map[string][]string, len(in.order))
	for contact, keys := range in.order {
		order[contact] = append([]string(nil), keys...)
	}
	in.mu.Unlock() // skip may read the integrator too
	bad = map[string][]string{}
	for contact, keys := range order {
		if len(keys) > 1 {
			several++
		}
		last := int64(0)
		for _, k := range keys {
			if skip(k) {
				continue
			}
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || id <= last {
				bad[contact] = keys
				break
			}
			last = id
		}
	}
	return bad, several
}

// accepted returns how many times the message with this key was
// answered 200.
func (in *integrator) accepted(key string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.got[key]
}

// fault is how the integrator answers one POST.
type fault int

const (
	accept      fault = iota // 200 {"mId"}
	fail500                  // 500: retried with backoff
	busy503                  // 503 with Retry-After: 1: retried no sooner than asked
	busy503Bare              // 503 without Retry-After: retried with backoff
	slow                     // held until the node gives up (its send timeout) or the test heals the integrator
	hangUp                   // the connection closed without an answer
	refused                  // 422 {"error":{"message"}}: the message fails for good
)

var faultNames = map[fault]string{accept: "accepted", fail500: "500", busy503: "503 with Retry-After", busy503Bare: "503",
	slow: "slow", hangUp: "hung up", refused: "422"}

// refusedReason is what the integrator says when it refuses a message;
// the message's failure reason must be these words.
const refusedReason = "the contact blocked the business"

// faultsPerKey bounds the faulty answers one message gets: its POSTs
// after that are accepted, so that the node's backoff (1 s doubling)
// stays within seconds and no message reaches the dispatcher's 10
// attempts, after which it would give up — which this test does not
// wait for.
const faultsPerKey = 3

// faultPolicy answers a deterministic share of POSTs with a fault, by a
// hash of the Idempotency-Key and the POST's number: over half of the
// first three POSTs of a message fail (500, 503 with or without
// Retry-After, a slow answer, a closed connection), and one message in
// 25 is refused for good on its first POST.
func faultPolicy(key string, post int) fault {
	if post > faultsPerKey {
		return accept
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", key, post)
	n := h.Sum64()
	if post == 1 && (n/16)%25 == 0 {
		return refused
	}
	switch n % 16 {
	case 0, 1, 2:
		return fail500
	case 3, 4:
		return busy503
	case 5:
		return busy503Bare
	case 6:
		return slow
	case 7, 8:
		return hangUp
	}
	return accept
}

// misbehave answers the POST as the policy says, unless the integrator
// is healed or was never told to misbehave, and reports whether it
// answered; false leaves the POST to be accepted.
func (in *integrator) misbehave(w http.ResponseWriter, r *http.Request, key string) bool {
	in.mu.Lock()
	in.posts[key]++
	f := accept
	select {
	case <-in.healed:
	default:
		switch {
		case in.holdNext > 0:
			f = slow
			in.holdNext--
		case in.policy != nil:
			f = in.policy(key, in.posts[key])
		}
	}
	in.faults[f]++
	if f == refused {
		in.refusals[key]++
	}
	if f == slow {
		in.held[key]++
	}
	in.mu.Unlock()
	jsonError := func(status int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":%q}}`, msg)
	}
	switch f {
	case accept:
		return false
	case fail500:
		jsonError(http.StatusInternalServerError, "the integrator failed")
	case busy503:
		w.Header().Set("Retry-After", "1")
		jsonError(http.StatusServiceUnavailable, "the integrator is busy")
	case busy503Bare:
		jsonError(http.StatusServiceUnavailable, "the integrator is down")
	case refused:
		jsonError(http.StatusUnprocessableEntity, refusedReason)
	case hangUp:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	case slow:
		// Longer than the node's send timeout (custom.DefaultTimeout,
		// 10 s): held until the node gives up, or until the test heals
		// the integrator, which then answers 503 — never 200, which the
		// node could miss at its timeout and rightly send again.
		select {
		case <-r.Context().Done():
			in.mu.Lock()
			in.unhold(key)
			in.abandoned++
			in.mu.Unlock()
		case <-in.healed:
			in.mu.Lock()
			in.unhold(key)
			in.mu.Unlock()
			jsonError(http.StatusServiceUnavailable, "the integrator was slow")
		}
	}
	return true
}

// unhold counts a slow POST of key as ended; in.mu is held.
func (in *integrator) unhold(key string) {
	if in.held[key]--; in.held[key] <= 0 {
		delete(in.held, key)
	}
}

// heldNow returns the Idempotency-Keys (message ids) of the slow POSTs
// waiting now.
func (in *integrator) heldNow() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	keys := make([]string, 0, len(in.held))
	for k := range in.held {
		keys = append(keys, k)
	}
	return keys
}

// startMisbehaving makes the integrator answer by policy until heal.
func (in *integrator) startMisbehaving(policy func(key string, post int) fault) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.policy = policy
}

// holdOne makes the next POST slow, whatever the policy says.
func (in *integrator) holdOne() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.holdNext++
}

// heal makes the integrator accept every POST from now on, and answers
// the slow POSTs it holds.
func (in *integrator) heal() { in.healOnce.Do(func() { close(in.healed) }) }

// faultStats is a snapshot of what the integrator answered.
type faultStats struct {
	faults          map[fault]int
	held, abandoned int
}

func (in *integrator) stats() faultStats {
	in.mu.Lock()
	defer in.mu.Unlock()
	s := faultStats{faults: map[fault]int{}, abandoned: in.abandoned}
	for _, n := range in.held {
		s.held += n
	}
	for f, n := range in.faults {
		s.faults[f] = n
	}
	return s
}

func (s faultStats) String() string {
	out := ""
	for f := accept; f <= refused; f++ {
		out += fmt.Sprintf("%s %d, ", faultNames[f], s.faults[f])
	}
	return out + fmt.Sprintf("%d slow POSTs given up by the node", s.abandoned)
}
