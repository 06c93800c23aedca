package crashtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// stream is an agent's live event stream (GET /api/v1/events/stream) on
// one node. For each event it records the delay from the event's own
// created_at, stamped by whichever node committed it, to its arrival
// here: the time an agent connected to this node waits to see it.
type stream struct {
	mu      sync.Mutex
	delays  map[int64]time.Duration // event id -> arrival delay
	err     error
	arrived chan struct{} // signalled (without blocking) on each event
}

// openStream connects to baseURL's stream of the given types, after the
// event id after, and reads it until ctx ends.
func openStream(ctx context.Context, baseURL, token, types string, after int64) (*stream, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		fmt.Sprintf("%s/api/v1/events/stream?types=%s&after=%d", baseURL, types, after), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("stream answered %d", resp.StatusCode)
	}
	s := &stream{delays: map[int64]time.Duration{}, arrived: make(chan struct{}, 1)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			now := time.Now()
			var e struct {
				ID        int64     `json:"id"`
				CreatedAt time.Time `json:"created_at"`
			}
			if err := json.Unmarshal([]byte(data), &e); err != nil {
				s.fail(fmt.Errorf("stream event %q: %w", data, err))
				return
			}
			s.mu.Lock()
			if _, dup := s.delays[e.ID]; dup {
				s.err = fmt.Errorf("event %d streamed twice", e.ID)
			}
			s.delays[e.ID] = now.Sub(e.CreatedAt)
			s.mu.Unlock()
			select {
			case s.arrived <- struct{}{}:
			default:
			}
		}
		if ctx.Err() == nil {
			s.fail(fmt.Errorf("the stream ended: %v", sc.Err()))
		}
	}()
	return s, nil
}

func (s *stream) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// waitFor returns once every event of ids has arrived, or the error that
// ended the stream, or a timeout error after limit.
func (s *stream) waitFor(ids []int64, limit time.Duration) error {
	timeout := time.After(limit)
	for {
		s.mu.Lock()
		missing, err := 0, s.err
		for _, id := range ids {
			if _, ok := s.delays[id]; !ok {
				missing++
			}
		}
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if missing == 0 {
			return nil
		}
		select {
		case <-s.arrived:
		case <-timeout:
			return fmt.Errorf("%d of %d events did not arrive on the stream within %s", missing, len(ids), limit)
		}
	}
}

// percentiles returns the p50, p99 and largest delays of the events ids.
func (s *stream) percentiles(ids []int64) (p50, p99, worst time.Duration) {
	s.mu.Lock()
	var ds []time.Duration
	for _, id := range ids {
		if d, ok := s.delays[id]; ok {
			ds = append(ds, d)
		}
	}
	s.mu.Unlock()
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[(len(ds)*99)/100], ds[len(ds)-1]
}
