package main

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// cpuSample is the CPU used so far by the server, this process and the
// whole machine, at one moment.
type cpuSample struct {
	at                  time.Time
	server, self, all   time.Duration
	serverOK, machineOK bool
}

// sampler reads the CPU counters once a second, so the report can show
// over time how much of the cores the server had and how much other work
// on the shared machine took: a stall of the server is then told apart
// from a neighbour's burst.
type sampler struct {
	mu      sync.Mutex
	samples []cpuSample
}

func (s *sampler) run(ctx context.Context, srv *harness.Server) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		var c cpuSample
		c.at = time.Now()
		c.server, c.serverOK = srv.CPUSoFar()
		c.self = harness.SelfCPU()
		c.all, c.machineOK = harness.MachineBusy()
		s.mu.Lock()
		s.samples = append(s.samples, c)
		s.mu.Unlock()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// cores returns, per bucket from t0, the cores the server, this process and
// every other process used on average (-1 where unknown).
func (s *sampler) cores(t0 time.Time, bucket time.Duration, n int) (server, self, other []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	server, self, other = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		server[i], self[i], other[i] = -1, -1, -1
		from, to := t0.Add(time.Duration(i)*bucket), t0.Add(time.Duration(i+1)*bucket)
		a, b := s.nearest(from), s.nearest(to)
		if a < 0 || b <= a {
			continue
		}
		x, y := s.samples[a], s.samples[b]
		secs := y.at.Sub(x.at).Seconds()
		self[i] = (y.self - x.self).Seconds() / secs
		if x.serverOK && y.serverOK {
			server[i] = (y.server - x.server).Seconds() / secs
		}
		if x.machineOK && y.machineOK && server[i] >= 0 {
			other[i] = max(0, (y.all-x.all).Seconds()/secs-server[i]-self[i])
		}
	}
	return server, self, other
}

// nearest is the index of the sample closest to t, or -1 without samples.
func (s *sampler) nearest(t time.Time) int {
	best := -1
	for i, c := range s.samples {
		if best < 0 || absDur(c.at.Sub(t)) < absDur(s.samples[best].at.Sub(t)) {
			best = i
		}
	}
	return best
}

func absDur(d time.Duration) time.Duration { return max(d, -d) }
