package main

import (
	"context"
	"slices"
	"time"
)

// timing is the latency distribution of one query.
type timing struct {
	Name     string
	P50, P99 time.Duration
}

// measure runs fn n times after a few warm-up runs and returns its p50
// and p99.
func measure(ctx context.Context, name string, n int, fn func(context.Context) error) (timing, error) {
	for range 5 {
		if err := fn(ctx); err != nil {
			return timing{}, err
		}
	}
	ds := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		if err := fn(ctx); err != nil {
			return timing{}, err
		}
		ds[i] = time.Since(start)
	}
	slices.Sort(ds)
	return timing{Name: name, P50: ds[n/2], P99: ds[(n*99)/100]}, nil
}
