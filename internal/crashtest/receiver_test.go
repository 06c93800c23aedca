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
	"time"

	verifier "github.com/switchboard-chat/switchboard/docs/webhooks"
	outgoing "github.com/switchboard-chat/switchboard/internal/webhook"
)

// receiver is a workspace's webhook endpoint (docs/webhooks.md): it keeps
// every POST the nodes make to it, answers each with 200 or, for a
// deterministic share of events chosen by failsFirst, 500 to the event's
// first POST, and checks the deliveries once they have settled.
type receiver struct {
	URL        string
	ID         int64  // the endpoint's id
	secret     string // its signing secret, known once created
	failsFirst func(eventID int64) bool

	mu    sync.Mutex
	posts []post
	// per event id: POSTs received, and those answered 200
	received, accepted map[int64]int
}

// post is one delivery as received.
type post struct {
	eventID, conversationID int64
	header                  http.Header
	body                    []byte
	at                      time.Time
	answered                int
}

func startReceiver(t *testing.T, failsFirst func(int64) bool) *receiver {
	rc := &receiver{failsFirst: failsFirst, received: map[int64]int{}, accepted: map[int64]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var p outgoing.Payload
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		rc.mu.Lock()
		rc.received[p.ID]++
		status := http.StatusOK
		if rc.received[p.ID] == 1 && rc.failsFirst(p.ID) {
			status = http.StatusInternalServerError
		} else {
			rc.accepted[p.ID]++
		}
		rc.posts = append(rc.posts, post{eventID: p.ID, conversationID: p.ConversationID, header: r.Header.Clone(), body: b, at: time.Now(), answered: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// register creates the receiver's endpoint in the workspace through node,
// subscribed to every event type, and keeps its secret.
func (rc *receiver) register(t *testing.T, node, token, description string) {
	t.Helper()
	var ep outgoing.Endpoint
	in := map[string]any{"url": rc.URL, "description": description, "event_types": outgoing.EventTypes}
	if err := api("POST", node+"/api/v1/webhooks", token, in, &ep); err != nil {
		t.Fatal(err)
	}
	if ep.Secret == "" || ep.ID == 0 {
		t.Fatalf("endpoint created without an id or a secret: %+v", ep)
	}
	rc.mu.Lock()
	rc.ID, rc.secret = ep.ID, ep.Secret
	rc.mu.Unlock()
}

// acceptedIDs returns the event ids answered 200.
func (rc *receiver) acceptedIDs() map[int64]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[int64]int, len(rc.accepted))
	for id, n := range rc.accepted {
		out[id] = n
	}
	return out
}

// failEvery makes a receiver answer 500 to the first POST of one event
// in n, by a hash of its id.
func failEvery(n uint64) func(int64) bool {
	return func(id int64) bool {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d", id)
		return h.Sum64()%n == 0
	}
}

// loggedEvent is an event of the log as a delivery of it must carry it.
type loggedEvent struct {
	id, conversationID, seq int64
	typ                     string
}

// verify checks the receiver's deliveries against want, the workspace's
// events an endpoint subscribed to everything must get (those after the
// endpoint was created):
//   - every POST signed with the endpoint's secret (the documented
//     verifier, at the time it arrived), its headers matching its body,
//     an event's POSTs all of one delivery;
//   - every event wanted answered 200 exactly once, and no other event
//     but those the log has; POSTed once, or twice when the receiver
//     failed its first POST;
//   - in each conversation, the events accepted in the order of the
//     conversation's sequence numbers, and no POST of an event after a
//     later event of the conversation was accepted.
func (rc *receiver) verify(t *testing.T, name string, want []loggedEvent, mark int64) {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	bad := 0
	fail := func(format string, args ...any) {
		bad++
		if bad <= 8 {
			t.Errorf(name+": "+format, args...)
		}
	}
	deliveryOf := map[int64]string{} // event id -> its delivery's id: a retry is the same delivery
	for _, p := range rc.posts {
		d := p.header.Get(outgoing.HeaderDelivery)
		if prev, ok := deliveryOf[p.eventID]; ok && prev != d {
			fail("event %d POSTed as delivery %s, then as delivery %s: made twice", p.eventID, prev, d)
		}
		deliveryOf[p.eventID] = d
		if err := verifier.Verify(rc.secret, p.body, p.header.Get(outgoing.HeaderSignature), p.at); err != nil {
			fail("event %d: %v", p.eventID, err)
		}
		var body outgoing.Payload
		json.Unmarshal(p.body, &body)
		if p.header.Get(outgoing.HeaderEventID) != strconv.FormatInt(p.eventID, 10) || p.header.Get(outgoing.HeaderEventType) != body.Type ||
			p.header.Get(outgoing.HeaderDelivery) == "" || p.header.Get("Content-Type") != "application/json" {
			fail("event %d: headers %v do not match the body %s", p.eventID, p.header, p.body)
		}
	}
	wanted := map[int64]bool{}
	for _, e := range want {
		wanted[e.id] = true
		if n := rc.accepted[e.id]; n != 1 {
			fail("event %d (%s, conversation %d) accepted %d times", e.id, e.typ, e.conversationID, n)
		}
	}
	failed := 0
	for id, n := range rc.received {
		if id > mark && !wanted[id] {
			fail("event %d was delivered, but the log has no such event the endpoint wants", id)
		}
		if rc.accepted[id] > 1 {
			fail("event %d accepted %d times", id, rc.accepted[id])
		}
		posts := 1
		if rc.failsFirst(id) {
			posts, failed = 2, failed+1
		}
		if n != posts {
			fail("event %d POSTed %d times, want %d", id, n, posts)
		}
	}
	// Order: the conversation's events, by seq, are what it accepted.
	bySeq := map[int64][]int64{}
	for _, e := range want {
		if e.conversationID != 0 {
			bySeq[e.conversationID] = append(bySeq[e.conversationID], e.id)
		}
	}
	got := map[int64][]int64{}
	last := map[int64]int64{} // conversation -> the latest event accepted
	for _, p := range rc.posts {
		if p.conversationID == 0 {
			continue
		}
		if p.eventID < last[p.conversationID] {
			fail("conversation %d: event %d POSTed after event %d was accepted", p.conversationID, p.eventID, last[p.conversationID])
		}
		if p.answered == http.StatusOK && p.eventID > mark {
			got[p.conversationID] = append(got[p.conversationID], p.eventID)
			last[p.conversationID] = p.eventID
		}
	}
	for conv, ids := range bySeq {
		if fmt.Sprint(ids) != fmt.Sprint(got[conv]) {
			fail("conversation %d: accepted events %v; the log has, by seq, %v", conv, got[conv], ids)
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d problems with %d POSTs", name, bad, len(rc.posts))
		return
	}
	t.Logf("%s: %d events over %d conversations, each accepted once and in order; %d POSTs, %d first POSTs answered 500", name, len(want), len(bySeq), len(rc.posts), failed)
}
