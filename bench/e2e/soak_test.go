package main

import (
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestShortSoak runs a soak of a few seconds against the real binary: the
// sampler must read the server's RSS and metrics all along, the server
// must count no error, and the soak must write its own section and chart,
// leaving the end-to-end section alone.
func TestShortSoak(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	out := filepath.Join(dir, "benchmarks.md")
	other := "# Benchmarks\n\n## End to end\n\ne2e numbers\n"
	if err := os.WriteFile(out, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	c := config{Bin: testBinary(t), Contacts: 24, WidgetShare: 0.5, Agents: 3, Capacity: 3, Rate: 8, Concurrency: 24,
		Ramp: 300 * time.Millisecond, Think: 20 * time.Millisecond, Timeout: 30 * time.Second,
		Soak: 3 * time.Second, Warmup: 600 * time.Millisecond, SampleEvery: 200 * time.Millisecond,
		Charts: filepath.Join(dir, "charts"), Out: out, Command: "go test ./bench/e2e"}
	res, err := run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !res.ok() {
		t.Fatalf("the soak failed: completed %d of %d, failures %v %v, problems %v, server errors %v (%s)",
			res.Completed, res.Started, res.Failures, res.FirstFail, res.V.Problems, res.Soak.errors(), res.Soak.FirstScrape)
	}
	f := res.Soak
	// A sample at the start, every 200 ms over 3 s of arrivals and the
	// tail, and one after the last close.
	if len(f.Samples) < 10 || f.SteadySamples < 5 {
		t.Fatalf("%d samples, %d in the steady state; want at least 10 and 5", len(f.Samples), f.SteadySamples)
	}
	for i, s := range f.Samples {
		if s.rss < 1<<20 || s.heap < 1<<20 || s.goroutines < 5 || s.http5xx != 0 || s.webhookErr != 0 || s.sendFailed != 0 {
			t.Errorf("sample %d: %+v, want RSS and heap of at least 1 MiB, some goroutines, no errors", i, s)
		}
	}
	if !f.RSS.Known || !f.Heap.Known || f.RSS.Max < f.RSS.Start || f.GoBefore <= 0 || f.GoAfter <= 0 {
		t.Errorf("figures %+v %+v, goroutines %v → %v", f.RSS, f.Heap, f.GoBefore, f.GoAfter)
	}
	// Every close falls between two samples: the first is taken before any
	// contact writes, the last after the last close.
	var closed float64
	for i := 1; i < len(f.Samples); i++ {
		closed += f.Rate[i] * f.Samples[i].at.Sub(f.Samples[i-1].at).Seconds()
	}
	if math.Round(closed) != float64(res.Completed) {
		t.Errorf("the completion rate adds up to %.2f conversations, want %d", closed, res.Completed)
	}
	doc, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), other) || !strings.Contains(string(doc), "\n## Soak\n") {
		t.Errorf("the markdown file should keep the end-to-end section and add the soak's:\n%s", doc)
	}
	for _, want := range []string{"| RSS |", "| Go heap in use |", "| HTTP responses 5xx | 0 |", "](charts/soak-memory.png)", "| verdict | every check passed |"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the section lacks %q", want)
		}
	}
	fh, err := os.Open(filepath.Join(dir, "charts", "soak-memory.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 400 {
		t.Errorf("soak-memory.png is %v, too small to read", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "charts", "e2e-stages.png")); !os.IsNotExist(err) {
		t.Errorf("a soak should draw only its own chart (e2e-stages.png: %v)", err)
	}
}

func TestLeastSquares(t *testing.T) {
	for _, tt := range []struct {
		name   string
		xs, ys []float64
		slope  float64
		ok     bool
	}{
		{"rising", []float64{0, 1, 2, 3}, []float64{10, 12, 14, 16}, 2, true},
		{"flat with noise", []float64{0, 1, 2, 3}, []float64{10, 12, 10, 12}, 0.4, true},
		{"falling", []float64{1, 2}, []float64{5, 4}, -1, true},
		{"one instant", []float64{2, 2, 2}, []float64{1, 2, 3}, 0, false},
	} {
		slope, ok := leastSquares(tt.xs, tt.ys)
		if ok != tt.ok || math.Abs(slope-tt.slope) > 1e-9 {
			t.Errorf("%s: slope %v, %v; want %v, %v", tt.name, slope, ok, tt.slope, tt.ok)
		}
	}
}

func TestTrendFlat(t *testing.T) {
	for _, tt := range []struct {
		name string
		t    trend
		flat bool
	}{
		{"small growth", trend{Known: true, Start: 80, Growth: 5}, true},
		{"shrinking", trend{Known: true, Start: 80, Growth: -30}, true},
		{"over 10%", trend{Known: true, Start: 40, Growth: 5}, false},
		{"under 10% but over the absolute bound", trend{Known: true, Start: 500, Growth: 25}, false},
		{"unknown", trend{Start: 80}, false},
	} {
		if got := tt.t.Flat(); got != tt.flat {
			t.Errorf("%s: Flat() = %v, want %v", tt.name, got, tt.flat)
		}
	}
}

func TestParseExposition(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
go_goroutines_extra 7
go_memstats_heap_inuse_bytes 1.2345e+07
switchboard_http_requests_total{code="200",route="GET /api/v1/x y"} 100
switchboard_http_requests_total{code="500",route="POST /api/v1/x"} 2
switchboard_http_requests_total{code="503",route="GET /readyz"} 1
`
	e, err := parseExposition(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.sum("go_goroutines", nil); got != 42 {
		t.Errorf("goroutines %v, want 42 (not counting go_goroutines_extra)", got)
	}
	if got := e.sum("go_memstats_heap_inuse_bytes", nil); got != 12345000 {
		t.Errorf("heap %v", got)
	}
	if got := e.sum("switchboard_http_requests_total", func(l string) bool { return strings.Contains(l, `code="5`) }); got != 3 {
		t.Errorf("5xx %v, want 3", got)
	}
	if got := e.sum("switchboard_webhook_errors_total", nil); got != 0 {
		t.Errorf("an absent counter sums to %v, want 0", got)
	}
	if _, err := parseExposition(strings.NewReader("go_goroutines many\n")); err == nil {
		t.Error("a bad value should fail")
	}
}

// analyzeSoak keeps only the samples between the warm-up and the last
// arrival for the trend, and counts closes per interval.
func TestAnalyzeSoak(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var samples []memSample
	for i := range 11 { // every minute from 0 to 10
		mb := 100.0 + float64(i) // 1 MB a minute
		if i < 2 {
			mb = 300 // the warm-up's peak stays out of the trend
		}
		samples = append(samples, memSample{at: t0.Add(time.Duration(i) * time.Minute), rss: mb * (1 << 20), heap: 50 * (1 << 20),
			goroutines: float64(20 + i), http5xx: 0, webhookErr: 0, sendFailed: float64(i / 10)})
	}
	closes := []time.Time{t0.Add(30 * time.Second), t0.Add(90 * time.Second), t0.Add(95 * time.Second)}
	f := analyzeSoak(samples, 0, "", closes, t0, 2*time.Minute, 9*time.Minute)
	if f.SteadySamples != 8 || !f.RSS.Known || math.Abs(f.RSS.Slope-1) > 1e-9 || math.Abs(f.RSS.Growth-7) > 1e-9 || f.RSS.Start != 102 || f.RSS.End != 109 || f.RSS.Max != 300 {
		t.Errorf("RSS trend %+v over %d samples, want slope 1, growth 7, 102 → 109, max 300 over 8", f.RSS, f.SteadySamples)
	}
	if !f.RSS.Flat() || !f.Heap.Flat() || f.Heap.Slope != 0 {
		t.Errorf("7 MB over 102 MB and a constant heap should be flat: %+v %+v", f.RSS, f.Heap)
	}
	if f.GoBefore != 20 || f.GoStart != 22 || f.GoEnd != 29 || f.GoAfter != 30 || f.SendFailed != 1 || f.errors() != 1 {
		t.Errorf("goroutines %v %v %v %v, failed sends %v, errors %v", f.GoBefore, f.GoStart, f.GoEnd, f.GoAfter, f.SendFailed, f.errors())
	}
	if f.Rate[1] != 1.0/60 || f.Rate[2] != 2.0/60 || f.Rate[3] != 0 {
		t.Errorf("rates %v", f.Rate[:4])
	}
}
