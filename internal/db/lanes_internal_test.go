package db

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// A batch takes a job from each lane in turn; a lane that joins is served
// after those already waiting have had their turn; the next batch goes on
// from the lane after the last one served.
func TestQueueTakesLanesInTurn(t *testing.T) {
	q := newQueue()
	name := map[*job]string{}
	add := func(lane int64, n string) {
		j := &job{lane: lane}
		name[j] = n
		q.push(j)
	}
	for _, n := range []string{"a1", "a2", "a3", "a4", "a5"} {
		add(1, n)
	}
	add(2, "b1")
	add(0, "u1")
	add(2, "b2")
	names := func(b []*job) []string {
		var out []string
		for _, j := range b {
			out = append(out, name[j])
		}
		return out
	}
	if got, want := names(q.take(nil, 4, 0)), []string{"a1", "b1", "u1", "a2"}; !slices.Equal(got, want) {
		t.Fatalf("first batch %v, want %v", got, want)
	}
	add(3, "c1")
	if got, want := names(q.take(nil, 3, 0)), []string{"b2", "a3", "c1"}; !slices.Equal(got, want) {
		t.Fatalf("second batch %v, want %v", got, want)
	}
	if got, want := names(q.take(nil, 10, 0)), []string{"a4", "a5"}; !slices.Equal(got, want) {
		t.Fatalf("third batch %v, want %v", got, want)
	}
	if q.n != 0 || len(q.ring) != 0 || len(q.lanes) != 0 {
		t.Fatalf("emptied queue holds %d jobs, %d lanes in the ring, %d in the map", q.n, len(q.ring), len(q.lanes))
	}
}

// A lane that never empties reuses its array instead of keeping every
// job it ever held.
func TestQueueLaneDoesNotGrowForever(t *testing.T) {
	q := newQueue()
	for i := range 10_000 {
		q.push(&job{lane: 1})
		q.push(&job{lane: 1})
		if b := q.take(nil, 1, 0); len(b) != 1 {
			t.Fatalf("round %d: took %d", i, len(b))
		}
	}
	if l := q.lanes[1]; cap(l.jobs) > 4*q.n {
		t.Fatalf("lane of %d waiting jobs holds an array of %d", q.n, cap(l.jobs))
	}
}

// With a weight bound a batch stops before the job that would take it
// over, unless it is the batch's first, and the next batch starts with
// that job's lane: a heavy job is written alone rather than with the
// light ones of other lanes, and a light job is not written with it.
func TestQueueTakeBoundsTheWeight(t *testing.T) {
	q := newQueue()
	name := map[*job]string{}
	add := func(lane int64, weight int, n string) {
		j := &job{lane: lane, weight: weight}
		name[j] = n
		q.push(j)
	}
	add(1, 512, "a-heavy")
	add(1, 88, "a-rest")
	add(2, 1, "b1")
	add(0, 1, "u1")
	add(0, 1, "u2")
	names := func(b []*job) []string {
		var out []string
		for _, j := range b {
			out = append(out, name[j])
		}
		return out
	}
	for i, want := range [][]string{{"a-heavy"}, {"b1", "u1", "a-rest", "u2"}} {
		if got := names(q.take(nil, 512, 128)); !slices.Equal(got, want) {
			t.Fatalf("batch %d: %v, want %v", i+1, got, want)
		}
	}
	add(1, 100, "a-big")
	add(2, 1, "b2")
	add(1, 1, "a-small")
	for i, want := range [][]string{{"a-big", "b2"}, {"a-small"}} {
		if got := names(q.take(nil, 512, 101)); !slices.Equal(got, want) {
			t.Fatalf("batch %d after: %v, want %v", i+1, got, want)
		}
	}
}

// A write made with InABatchOfItsOwn is written in a batch of its own:
// the batch before it ends where it comes, and nothing joins it.
func TestQueueWritesAJobOfItsOwnAlone(t *testing.T) {
	q := newQueue()
	name := map[*job]string{}
	add := func(ctx context.Context, n string) {
		j := newJob(ctx, nil, true, false)
		name[j] = n
		q.push(j)
	}
	ctx := context.Background()
	add(ctx, "a")
	add(ctx, "b")
	add(InABatchOfItsOwn(ctx), "own")
	add(ctx, "c")
	var got [][]string
	for q.n > 0 {
		var names []string
		for _, j := range q.take(nil, 10, 0) {
			names = append(names, name[j])
		}
		got = append(got, names)
	}
	if fmt.Sprint(got) != "[[a b] [own] [c]]" {
		t.Fatalf("batches %v, want [[a b] [own] [c]]", got)
	}
}
