package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

const (
	agents = 200
	teams  = 50
)

// throughputResult is the assignment run.
type throughputResult struct {
	N, Assigned, Queued, Failed int
	Elapsed                     time.Duration
	P50, P99                    time.Duration // per Assign call
	ByStrategy                  map[string]int
	MaxOpen                     int           // open conversations of the busiest agent at the end
	CPU                         time.Duration // the process's CPU time (all goroutines) while the callers ran
}

// CPUPer is the process's CPU time per assignment: under a shared machine's
// load it moves far less than the rate does.
func (t throughputResult) CPUPer() time.Duration {
	if t.N == 0 {
		return 0
	}
	return t.CPU / time.Duration(t.N)
}

func (t throughputResult) Rate() float64 { return float64(t.N-t.Failed) / t.Elapsed.Seconds() }

// throughput assigns n conversations from c callers: team targets (one in
// a hundred the workspace), strategies in turn, every other request only
// to online agents; capacity unlimited, so every request is assigned.
func throughput(ctx context.Context, pg string, n, c int) (throughputResult, error) {
	w, err := openWorld(ctx, pg, agents, teams, nil)
	if err != nil {
		return throughputResult{}, err
	}
	defer w.close()
	convs, err := w.conversations(ctx, n)
	if err != nil {
		return throughputResult{}, err
	}
	strategies := []string{routing.RoundRobin, routing.LeastOpen, routing.LongestIdle}
	res := throughputResult{N: n, ByStrategy: map[string]int{}}
	lat := make([]time.Duration, n)
	var assigned, queued, failed atomic.Int64
	var next atomic.Int64
	var wg sync.WaitGroup
	began, cpu0 := time.Now(), harness.SelfCPU()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				req := routing.Request{WorkspaceID: w.wsID, ConversationID: convs[i], Target: routing.TargetTeam,
					TeamID: w.teams[i%teams], Strategy: strategies[i%3], OnlyOnline: i%2 == 0, Source: conversation.SourceWorkflow}
				if i%100 == 99 {
					req.Target, req.TeamID = routing.TargetWorkspace, 0
				}
				t0 := time.Now()
				r, err := w.routing.Assign(ctx, req)
				lat[i] = time.Since(t0)
				switch {
				case err != nil:
					failed.Add(1)
				case r.Assigned:
					assigned.Add(1)
				case r.Queued:
					queued.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed, res.CPU = time.Since(began), harness.SelfCPU()-cpu0
	res.Assigned, res.Queued, res.Failed = int(assigned.Load()), int(queued.Load()), int(failed.Load())
	for i := range n {
		res.ByStrategy[strategies[i%3]]++
	}
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	err = w.d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM conversations
		WHERE workspace_id = ? AND status <> 'closed' AND assignee_id IS NOT NULL GROUP BY assignee_id) x`, w.wsID).Scan(&res.MaxOpen)
	return res, err
}

// directResult is the baseline: the assignment write alone.
type directResult struct {
	N       int
	Elapsed time.Duration
}

func (d directResult) Rate() float64 { return float64(d.N) / d.Elapsed.Seconds() }

// direct writes n assignments to a user chosen by index, through the same
// group committer, without choosing, claiming or checking capacity: what
// an assignment costs before routing adds anything.
func direct(ctx context.Context, pg string, n, c int) (directResult, error) {
	w, err := openWorld(ctx, pg, agents, teams, nil)
	if err != nil {
		return directResult{}, err
	}
	defer w.close()
	convs, err := w.conversations(ctx, n)
	if err != nil {
		return directResult{}, err
	}
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	began := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				err := w.d.Write(ctx, func(tx *db.Tx) error {
					_, err := conversation.AssignTx(ctx, tx, w.wsID, convs[i], conversation.AssignInput{UserID: w.agents[i%agents],
						TeamID: w.teams[i%teams], Source: conversation.SourceWorkflow})
					return err
				})
				if err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	return directResult{N: n, Elapsed: time.Since(began)}, firstErr
}

// refillResult is the queue run.
type refillResult struct {
	Slots, Queued, Refills, Missed int
	P50, P99, Max                  time.Duration
	CPU                            time.Duration // the process's CPU time while the closers ran (closes and refills)
	// Stages of a refill at p50 and p99: Close returning → the drainer's
	// transaction committing the assignment (Drain), and that commit → the
	// bench's tail of the log seeing the event (Seen).
	DrainP50, DrainP99, SeenP50, SeenP99 time.Duration
	// InClose counts the refills committed by the close's own transaction
	// (before Close returned): their Drain stage is 0.
	InClose int
}

// refill fills every agent to a capacity of 2 and queues 4,000 more
// conversations across the teams, then 8 closers each close one
// conversation of an agent at a time; the time measured is from the
// close's commit (Close returned) to the moment the agent's next
// conversation.assigned event is visible in the log.
func refill(ctx context.Context, pg string, refills int) (refillResult, error) {
	w, err := openWorld(ctx, pg, agents, teams, ptr(2))
	if err != nil {
		return refillResult{}, err
	}
	defer w.close()
	res := refillResult{Slots: 2 * agents}
	convs, err := w.conversations(ctx, res.Slots+4000)
	if err != nil {
		return res, err
	}
	held := map[int64][]int64{}
	for i, id := range convs {
		r, err := w.routing.Assign(ctx, routing.Request{WorkspaceID: w.wsID, ConversationID: id, Target: routing.TargetTeam,
			TeamID: w.teams[i%teams], Strategy: routing.LeastOpen})
		if err != nil {
			return res, err
		}
		if r.Assigned {
			held[r.UserID] = append(held[r.UserID], id)
		} else if r.Queued {
			res.Queued++
		}
	}

	// One tail of the log hands each agent's next assignment to its waiter.
	var mu sync.Mutex
	waiters := map[int64]chan int64{}
	tailCtx, stopTail := context.WithCancel(ctx)
	defer stopTail()
	last := lastEvent(ctx, w)
	go func() {
		wake, unsubscribe := w.hub.Subscribe()
		defer unsubscribe()
		for tailCtx.Err() == nil {
			evs, err := event.List(tailCtx, w.d.Reader(), event.Filter{WorkspaceID: w.wsID, After: last, Types: []event.Type{event.ConversationAssigned}, Limit: 1000})
			if err == nil && len(evs) > 0 {
				last = evs[len(evs)-1].ID
				for _, e := range evs {
					var p struct {
						AssigneeID int64 `json:"assignee_id"`
					}
					json.Unmarshal(e.Payload, &p)
					mu.Lock()
					if c, ok := waiters[p.AssigneeID]; ok {
						c <- e.ConversationID
						delete(waiters, p.AssigneeID)
					}
					mu.Unlock()
				}
				continue
			}
			select {
			case <-tailCtx.Done():
			case <-wake:
			}
		}
	}()

	const closers = 8
	lat := make([][]time.Duration, closers)
	drain, seen := make([][]time.Duration, closers), make([][]time.Duration, closers)
	cpu0 := harness.SelfCPU()
	var missed, inClose atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for k := range closers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []int64
			for i := k; i < agents; i += closers {
				mine = append(mine, w.agents[i])
			}
			local := map[int64][]int64{}
			mu.Lock()
			for _, a := range mine {
				local[a] = held[a]
			}
			mu.Unlock()
			for j := range refills / closers {
				a := mine[j%len(mine)]
				if len(local[a]) == 0 {
					continue
				}
				victim := local[a][0]
				local[a] = local[a][1:]
				got := make(chan int64, 1)
				mu.Lock()
				waiters[a] = got
				mu.Unlock()
				if _, err := w.conv.Close(ctx, access.System(w.wsID), victim, conversation.CloseInput{Source: conversation.SourceAPI}); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				closed := time.Now()
				select {
				case id := <-got:
					now := time.Since(closed)
					lat[k] = append(lat[k], now)
					if at, ok := w.committed.Load(id); ok {
						d := at.(time.Time).Sub(closed)
						if d < 0 { // committed with the close, before Close returned
							d = 0
							inClose.Add(1)
						}
						drain[k], seen[k] = append(drain[k], d), append(seen[k], now-d)
					}
					local[a] = append(local[a], id)
				case <-time.After(5 * time.Second):
					missed.Add(1)
					mu.Lock()
					delete(waiters, a)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.CPU = harness.SelfCPU() - cpu0
	var all, drains, seens []time.Duration
	for k, l := range lat {
		all = append(all, l...)
		drains, seens = append(drains, drain[k]...), append(seens, seen[k]...)
	}
	res.DrainP50, res.DrainP99 = percentile(drains, 0.50), percentile(drains, 0.99)
	res.SeenP50, res.SeenP99 = percentile(seens, 0.50), percentile(seens, 0.99)
	res.Refills, res.Missed, res.InClose = len(all), int(missed.Load()), int(inClose.Load())
	res.P50, res.P99 = percentile(all, 0.50), percentile(all, 0.99)
	if len(all) > 0 {
		res.Max = slices.Max(all)
	}
	if firstErr != nil {
		return res, fmt.Errorf("close: %w", firstErr)
	}
	return res, nil
}

func lastEvent(ctx context.Context, w *world) int64 {
	var id int64
	w.d.Reader().QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id)
	return id
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ptr(v int) *int { return &v }
