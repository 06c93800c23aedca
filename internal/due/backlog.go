package due

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-chat/switchboard/internal/db"
)

var (
	backlogDesc = prometheus.NewDesc("switchboard_due_backlog",
		"Timed work overdue and not yet done, by kind.", []string{"kind"}, nil)
	oldestDesc = prometheus.NewDesc("switchboard_due_backlog_oldest_seconds",
		"How long the oldest overdue work of a kind has been due.", []string{"kind"}, nil)
)

// backlogCollector reports each kind's backlog when /metrics is read, so
// an idle node runs no query for it otherwise.
type backlogCollector struct{ r *Runner }

func (c backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backlogDesc
	ch <- oldestDesc
}

func (c backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.r.mu.Lock()
	kinds := make([]Kind, 0, len(c.r.kinds))
	for _, h := range c.r.kinds {
		kinds = append(kinds, h.kind)
	}
	c.r.mu.Unlock()
	now := c.r.g.Now()
	for _, k := range kinds {
		if k.Backlog == nil {
			continue
		}
		n, oldest, err := k.Backlog(ctx, now.UnixMilli())
		if err != nil {
			c.r.log.Warn("due work: backlog", "kind", k.Name, "err", err)
			continue
		}
		age := 0.0
		if n > 0 && oldest > 0 {
			age = max(now.Sub(time.UnixMilli(oldest)).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(n), k.Name)
		ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age, k.Name)
	}
}

// Overdue returns a Backlog that runs query on the store's readers: query
// returns the count and the oldest due time (Unix ms) of the overdue work,
// with every ? bound to now.
func Overdue(d *db.DB, query string) func(ctx context.Context, now int64) (int64, int64, error) {
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
		}
	}
	return func(ctx context.Context, now int64) (count, oldest int64, err error) {
		args := make([]any, n)
		for i := range args {
			args[i] = now
		}
		err = d.Reader().QueryRow(ctx, query, args...).Scan(&count, &oldest)
		return count, oldest, err
	}
}
