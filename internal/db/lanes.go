package db

import (
	"context"
	"slices"
)

// The committer serves workspaces in turn, so one workspace flooding the
// store's one writer does not hold up another's writes: each write
// carries the workspace it is for (WithWorkspace), the writes waiting are
// kept in one lane per workspace, and a batch takes a job from every lane
// with work in turn, round-robin, until it is full. A workspace with one
// write waiting gets into the next batch whatever the others have queued
// (as long as fewer than maxBatch workspaces have work); when only one
// has work its batches still fill to maxBatch, as plain group commit's.
// Untagged writes (background work across workspaces: consumers, timers,
// the workflow engine's passes) share lane 0.

type workspaceKey struct{}

// WithWorkspace returns ctx tagged with the workspace its writes are for:
// Write and WriteConcurrent queue them in that workspace's lane, served
// in turn with the others' (see lanes.go). Untagged writes share one lane.
func WithWorkspace(ctx context.Context, workspaceID int64) context.Context {
	return context.WithValue(ctx, workspaceKey{}, workspaceID)
}

// laneOf returns the lane of a write made with ctx: its workspace, or 0.
func laneOf(ctx context.Context) int64 {
	id, _ := ctx.Value(workspaceKey{}).(int64)
	return id
}

// lane holds one workspace's waiting jobs, oldest first.
type lane struct {
	id   int64
	jobs []*job
	head int // jobs[head:] wait
}

// queue is one of the committer's two queues (exclusive or concurrent):
// its lanes with jobs, in the order they are served. Guarded by the
// committer's mutex.
type queue struct {
	lanes map[int64]*lane
	ring  []*lane // the lanes with jobs; ring[next] is served next
	next  int
	n     int // jobs waiting, in every lane
}

func newQueue() queue { return queue{lanes: map[int64]*lane{}} }

// push queues j in its workspace's lane. A new lane joins the ring just
// before the lane served next, so it is served after every lane already
// waiting has had its turn — and no later.
func (q *queue) push(j *job) {
	l := q.lanes[j.lane]
	if l == nil {
		l = &lane{id: j.lane}
		q.lanes[j.lane] = l
		q.ring = slices.Insert(q.ring, q.next, l)
		q.next = (q.next + 1) % len(q.ring)
	}
	if l.head > 0 && len(l.jobs) == cap(l.jobs) {
		// Full: move the waiting jobs to the front rather than grow, so
		// a lane that never empties does not keep the ones taken.
		n := copy(l.jobs, l.jobs[l.head:])
		clear(l.jobs[n:])
		l.jobs, l.head = l.jobs[:n], 0
	}
	l.jobs = append(l.jobs, j)
	q.n++
}

// take appends up to max-len(batch) jobs to batch, one from each lane in
// turn, and returns it. The next take starts with the lane after the last
// one served.
func (q *queue) take(batch []*job, max int) []*job {
	for len(batch) < max && q.n > 0 {
		l := q.ring[q.next]
		batch = append(batch, l.jobs[l.head])
		l.jobs[l.head] = nil
		l.head++
		q.n--
		if l.head < len(l.jobs) {
			q.next++
		} else {
			delete(q.lanes, l.id)
			q.ring = slices.Delete(q.ring, q.next, q.next+1)
		}
		if q.next >= len(q.ring) {
			q.next = 0
		}
	}
	return batch
}
