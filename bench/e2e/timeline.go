package main

import (
	"slices"
	"sync"
	"time"
)

// The stages of one conversation, each measured between two boundaries.
// Every boundary is stamped by the benchmark's own clock when it sends or
// receives something, except the assignment, which is the server's stamp
// on the conversation.assigned event: on one machine both read the same
// clock, and it splits "the answer until the agent's stream shows it" into
// the server deciding (and queueing) and the stream delivering.
const (
	stageIngest   = iota // the contact's first message sent → the channel acknowledged it (webhook 200, socket ack)
	stageWorkflow        // the first message sent → the workflow's question reached the contact
	stageAssign          // the contact's answer sent → conversation.assigned stamped by the server
	stageSeen            // conversation.assigned stamped → delivered on the agent's live stream
	stageReply           // the agent's reply sent (API) → it reached the contact's channel
	stageCount
)

var stageNames = [stageCount]string{"ingest", "workflow", "assignment", "agent sees it", "reply delivered"}

// stageBounds says, for the report, what each stage runs from and to.
var stageBounds = [stageCount]string{
	"first message sent → webhook 200 / socket ack",
	"first message sent → the workflow's question received",
	"answer sent → `conversation.assigned` stamped by the server (includes waiting in the team's queue)",
	"`conversation.assigned` stamped → delivered on the agent's SSE stream",
	"agent's `POST …/messages` sent → received by the integrator / visitor socket",
}

// conv is one contact's conversation as the benchmark saw it.
type conv struct {
	mu         sync.Mutex
	index      int
	kind       string // "custom" or "widget"
	team       string // the answer, which decides the team
	id         int64  // the conversation's id, once known
	start      time.Time
	acked      time.Time // first message acknowledged
	question   time.Time // the workflow's question received
	answered   time.Time // the answer sent
	assigned   time.Time // conversation.assigned, the server's stamp
	seen       time.Time // the agent's stream delivered it
	agent      int       // the agent's index, -1 until assigned
	replySent  time.Time
	replyGot   time.Time
	thanksSent bool
	closing    bool
	closed     time.Time
	failure    string // the first failure, "stage: error"
	messagesIn int    // messages the channel acknowledged
}

// fail records the conversation's first failure.
func (c *conv) fail(stage string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failure == "" {
		c.failure = stage + ": " + err.Error()
	}
}

// stages returns the conversation's measured stages; ok[i] is false for a
// stage it did not reach.
func (c *conv) stages() (d [stageCount]time.Duration, ok [stageCount]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	set := func(i int, from, to time.Time) {
		if !from.IsZero() && !to.IsZero() {
			d[i], ok[i] = max(0, to.Sub(from)), true
		}
	}
	set(stageIngest, c.start, c.acked)
	set(stageWorkflow, c.start, c.question)
	set(stageAssign, c.answered, c.assigned)
	set(stageSeen, c.assigned, c.seen)
	set(stageReply, c.replySent, c.replyGot)
	return d, ok
}

// registry finds a conversation by its id, as the agents learn it from
// their stream.
type registry struct {
	mu   sync.Mutex
	byID map[int64]*conv
}

func (r *registry) add(c *conv) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[c.id] = c
}

func (r *registry) get(id int64) *conv {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// percentiles are one stage's distribution.
type percentiles struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

// summarize returns the nearest-rank percentiles of d (sorted in place).
func summarize(d []time.Duration) percentiles {
	if len(d) == 0 {
		return percentiles{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(d))+0.5) - 1
		return d[max(0, min(i, len(d)-1))]
	}
	return percentiles{N: len(d), P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1]}
}
