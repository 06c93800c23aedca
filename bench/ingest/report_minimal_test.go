package main

import (
	"strings"
	"testing"
	"time"
)

func TestMinimalVerdict(t *testing.T) {
	level := func(c, acked int, cpu time.Duration) levelResult {
		return levelResult{Concurrency: c, Acked: acked, Elapsed: time.Second, ServerCPU: cpu, Verified: true}
	}
	for _, c := range []struct {
		name      string
		sb, min   []levelResult
		want      []string
		wantNever []string
	}{
		{"below the aim", []levelResult{level(64, 2000, 600*time.Millisecond)}, []levelResult{level(64, 5000, 500*time.Millisecond)},
			[]string{"**0.40×**: **not met**", "300 µs of server CPU per message against the pipeline's 100 µs (3.0×, 200 µs more)",
				"within 1.25× the pipeline's, ≤ 125 µs against 300 µs here"}, nil},
		{"at the aim", []levelResult{level(64, 4000, 800*time.Millisecond)}, []levelResult{level(64, 5000, 500*time.Millisecond)},
			[]string{"**0.80×**: met"}, []string{"not met"}},
		{"c=64 not measured", []levelResult{level(8, 4000, time.Second)}, []levelResult{level(8, 5000, time.Second)},
			[]string{"is not assessed"}, []string{"met"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := report{Levels: c.sb, Minimal: c.min}.minimalReading()
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("reading %q lacks %q", got, w)
				}
			}
			for _, w := range c.wantNever {
				if strings.Contains(got, w) {
					t.Errorf("reading %q holds %q", got, w)
				}
			}
		})
	}
	if got := (report{}).minimalMarkdown() + (report{}).minimalReading(); got != "" {
		t.Errorf("without a minimal run the report has %q, want nothing", got)
	}
}

func TestBeforeAndAfter(t *testing.T) {
	level := func(c, acked int, cpu time.Duration) levelResult {
		return levelResult{Concurrency: c, Acked: acked, Elapsed: time.Second, ServerCPU: cpu, Verified: true, OtherCPU: -1}
	}
	r := report{Levels: []levelResult{level(64, 3000, 600*time.Millisecond)}, Before: []levelResult{level(64, 2000, 600*time.Millisecond)},
		Minimal: []levelResult{level(64, 5000, 500*time.Millisecond)}}
	got := r.minimalMarkdown()
	for _, w := range []string{"| 64 | 2000 | 3000 | 1.50 | 300 | 200 | 0.40 | 0.60 |"} {
		if !strings.Contains(got, w) {
			t.Errorf("report %q lacks %q", got, w)
		}
	}
	r.Before = nil
	if got := r.minimalMarkdown(); strings.Contains(got, "Before and after") {
		t.Errorf("without -before the report has %q", got)
	}
}
