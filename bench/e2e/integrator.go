package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// delivery is a message that reached a contact, and when.
type delivery struct {
	text string
	at   time.Time
}

// integrator is the custom channel's integrator: the server POSTs every
// outbound message to <base URL>/message, and it hands each to the
// benchmark contact it is for (by contactId), as a provider would to the
// person's phone.
type integrator struct {
	srv      *httptest.Server
	mu       sync.Mutex
	inboxes  map[string]chan delivery
	received atomic.Int64
	unknown  atomic.Int64 // messages for a contact the benchmark does not know
	token    string       // the channel's token, which the server sends as bearer
}

func newIntegrator() *integrator {
	in := &integrator{inboxes: map[string]chan delivery{}}
	var ids atomic.Int64
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var msg struct {
			ContactID string `json:"contactId"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		if err != nil || r.URL.Path != "/message" || json.Unmarshal(body, &msg) != nil {
			http.Error(w, `{"error":{"message":"not a message"}}`, http.StatusBadRequest)
			return
		}
		if tok := in.expectedToken(); tok != "" && r.Header.Get("Authorization") != "Bearer "+tok {
			http.Error(w, `{"error":{"message":"wrong token"}}`, http.StatusUnauthorized)
			return
		}
		in.received.Add(1)
		in.mu.Lock()
		box := in.inboxes[msg.ContactID]
		in.mu.Unlock()
		if box == nil {
			in.unknown.Add(1)
		} else {
			select {
			case box <- delivery{text: msg.Message.Text, at: at}:
			default: // a contact that gave up reads no more
			}
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"mId":"e2e-out-%d"}`, ids.Add(1))
	}))
	return in
}

func (in *integrator) expectedToken() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.token
}

func (in *integrator) setToken(tok string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.token = tok
}

// inbox registers a contact and returns where its messages arrive.
func (in *integrator) inbox(contactID string) chan delivery {
	box := make(chan delivery, 16)
	in.mu.Lock()
	defer in.mu.Unlock()
	in.inboxes[contactID] = box
	return box
}

func (in *integrator) drop(contactID string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.inboxes, contactID)
}

func (in *integrator) Close() { in.srv.Close() }
