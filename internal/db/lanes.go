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
// Untagged writes (background work across workspaces: consumers'
// batches, due claims, timers) share lane 0.
//
// Round-robin alone puts another workspace's write in the next batch,
// but that batch is as long as the flooding workspace fills it: a batch
// of 512 of its writes, or one job carrying a receive batch of 512
// webhooks. So when several workspaces have work a batch is bounded by
// the shares of the lanes with work: fairShare of weight each (a job
// weighs 1, or what WithWeight says it stands for), the first job always
// taken. A lone write of a quiet workspace then waits for the batch being
// written and for a short one, not for two full ones. A workspace alone,
// even with untagged background writes beside it (the untagged lane does
// not count as a workspace here), still fills its batches to maxBatch:
// under a flood the bound costs one short batch per write of the other
// workspaces, not every batch. On SQLite only: PostgreSQL writes four
// batches at once, so a quiet write is not behind one serial batch there,
// and smaller batches may mean more turns of the exclusive write lock,
// which every shared batch waits out. Measured, not settled:
// TestOneWorkspaceSaturated with no cap on PostgreSQL gave workspace B a
// flooded p50 of 213 and 511 ms with the bound, 156 ms without it, and
// 88 and 63 ms on main (one run each, load 15–34).

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

type weightKey struct{}

// WithWeight returns ctx telling the committer that a write made with it
// stands for n writes (a receive batch's job carries n webhooks): when
// several workspaces have writes waiting it counts as n against its
// batch's bound (see lanes.go), so a heavy job is not written in one
// transaction with another workspace's waiting write.
func WithWeight(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, weightKey{}, n)
}

// weightOf returns the weight of a write made with ctx: WithWeight's, or 1.
func weightOf(ctx context.Context) int {
	if n, ok := ctx.Value(weightKey{}).(int); ok && n > 1 {
		return n
	}
	return 1
}

type ownBatchKey struct{}

// InABatchOfItsOwn returns ctx telling the committer to write a write made
// with it in a transaction of its own, never in one batch with other
// jobs. It is for a write whose locks have no order with what other jobs
// lock: a node's heartbeat upserts the lease row of every consumer it
// runs, rows every node's heartbeat locks (in name order, so heartbeats
// alone only wait for each other); batched with a routing job holding a
// queue's lock, it waited for another node's heartbeat that, batched
// likewise, waited for that queue (the 3-node proof of 902ed3d logged the
// deadlock). Its transaction counts as a write run alone (see WaitRow).
func InABatchOfItsOwn(ctx context.Context) context.Context {
	return context.WithValue(ctx, ownBatchKey{}, true)
}

func ownBatch(ctx context.Context) bool {
	own, _ := ctx.Value(ownBatchKey{}).(bool)
	return own
}

// fairShareOf is the weight each lane with work adds to a batch's bound
// when several have work: an eighth of a batch, 64 jobs of 512.
func fairShareOf(maxBatch int) int { return max(1, maxBatch/8) }

// BatchJob is one job of a batch the writer took, as OnBatch reports it.
type BatchJob struct {
	Lane   int64 // its workspace (WithWorkspace), or 0
	Weight int   // what it stands for (WithWeight), 1 if not set
	Alone  bool  // to be written in a batch of its own (InABatchOfItsOwn, or a retry after ErrLockOrder)
}

// OnBatch has f told the jobs of every batch the writers take from now
// on, in the order they are taken, under the writer's lock (f must not
// write). For tests: they check what was written together.
func (d *DB) OnBatch(f func(jobs []BatchJob)) {
	c := d.committer
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onBatch = f
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
// turn, and returns it. With maxWeight > 0 it stops before a job that
// would bring the batch's weight over maxWeight, unless the batch is
// empty. A job that must be written alone ends the batch before it, or
// is the whole batch. The next take starts with the lane after the last
// one served, or with the lane whose job did not fit.
func (q *queue) take(batch []*job, max, maxWeight int) []*job {
	weight := 0
	for _, j := range batch {
		weight += j.weight
	}
	for len(batch) < max && q.n > 0 {
		l := q.ring[q.next]
		j := l.jobs[l.head]
		if len(batch) > 0 && (j.alone || batch[0].alone) {
			break
		}
		if maxWeight > 0 && len(batch) > 0 && weight+j.weight > maxWeight {
			break
		}
		weight += j.weight
		batch = append(batch, j)
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

// QueuedWeight is the weight of the writes waiting for a writer, each
// counted as WithWeight says. For tests: they wait for writes to queue.
func (d *DB) QueuedWeight() int {
	c := d.committer
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, q := range []*queue{&c.excl, &c.shared} {
		for _, l := range q.ring {
			for _, j := range l.jobs[l.head:] {
				n += j.weight
			}
		}
	}
	return n
}

// busyLanes is how many distinct lanes have work in the two queues, and
// how many of them are workspaces' (not lane 0).
func busyLanes(a, b *queue) (lanes, workspaces int) {
	count := func(l *lane) {
		lanes++
		if l.id != 0 {
			workspaces++
		}
	}
	for _, l := range a.ring {
		count(l)
	}
	for _, l := range b.ring {
		if a.lanes[l.id] == nil {
			count(l)
		}
	}
	return lanes, workspaces
}
