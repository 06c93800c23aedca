package main

import (
	"math"
	"time"
)

// The bound under which a soak's memory is called flat: the growth the
// least-squares line gives over the steady state (its slope times the
// steady state's length) must stay under flatShare of the level at the
// start of the steady state and under flatMB. A leak of a few kilobytes
// per conversation, at 40 conversations a second, is over 10 MB after ten
// minutes; the garbage collector's swings are not a trend and the fit
// averages them away. A shrinking process is flat.
const (
	flatShare = 0.10
	flatMB    = 20.0
)

// trend is one memory measure (MB) over a soak's steady state.
type trend struct {
	Known           bool
	Start, End, Max float64 // MB: the first and last samples of the steady state, the most of the whole run
	Slope           float64 // MB per minute, least squares over the steady state
	Growth          float64 // Slope × the steady state's length, MB
	// The slope over the steady state's second half alone (NaN with too
	// few samples): a fill that levels off (caches, pools) is steep at
	// first and flat late; a leak is as steep late as early.
	LateSlope float64
}

// Flat says whether the growth stays within the bound.
func (t trend) Flat() bool {
	return t.Known && t.Growth < flatShare*t.Start && t.Growth < flatMB
}

// soakFigures is what the samples of a soak say.
type soakFigures struct {
	Samples       []memSample
	ScrapeErrs    int
	FirstScrape   string
	SteadyFrom    time.Duration // since the first contact: the warm-up's end
	SteadyTo      time.Duration // the last arrival
	SteadySamples int
	RSS, Heap     trend
	// What the Go runtime obtained from the OS, not judged: beside RSS it
	// tells memory the runtime holds from memory outside it (SQLite's, in
	// a pure-Go build through modernc.org/libc's own allocator).
	GoSys trend
	// Goroutines before the load (agents' streams open, no contact yet),
	// at the start and end of the steady state, and after the last close.
	GoBefore, GoStart, GoEnd, GoAfter float64
	// Error counters at the last sample (the server's whole life: setup,
	// load and tail).
	HTTP5xx, WebhookErrs, SendFailed float64
	// Completed conversations per second between consecutive samples
	// (Rate[0] is 0).
	Rate []float64
}

// errors is every error the soak counted on the server's side.
func (f soakFigures) errors() float64 {
	return max(f.HTTP5xx, 0) + max(f.WebhookErrs, 0) + max(f.SendFailed, 0) + float64(f.ScrapeErrs)
}

// flat says whether both memory measures stayed within the bound.
func (f soakFigures) flat() bool { return f.RSS.Flat() && f.Heap.Flat() }

// analyzeSoak reduces the samples: the steady state runs from t0+warmup to
// the last arrival (t0+soak); closes are counted per sampling interval.
func analyzeSoak(samples []memSample, scrapeErrs int, firstErr string, closes []time.Time, t0 time.Time, warmup, soak time.Duration) soakFigures {
	f := soakFigures{Samples: samples, ScrapeErrs: scrapeErrs, FirstScrape: firstErr, SteadyFrom: warmup, SteadyTo: soak,
		GoBefore: -1, GoStart: -1, GoEnd: -1, GoAfter: -1, HTTP5xx: -1, WebhookErrs: -1, SendFailed: -1}
	if len(samples) == 0 {
		return f
	}
	var steady []memSample
	for _, s := range samples {
		if d := s.at.Sub(t0); d >= warmup && d <= soak {
			steady = append(steady, s)
		}
	}
	f.SteadySamples = len(steady)
	mb := func(v float64) float64 { return v / (1 << 20) }
	f.RSS = fit(steady, samples, t0, func(s memSample) float64 { return mb(s.rss) })
	f.Heap = fit(steady, samples, t0, func(s memSample) float64 { return mb(s.heap) })
	f.GoSys = fit(steady, samples, t0, func(s memSample) float64 { return mb(s.goSys) })
	f.GoBefore, f.GoAfter = samples[0].goroutines, samples[len(samples)-1].goroutines
	if len(steady) > 0 {
		f.GoStart, f.GoEnd = steady[0].goroutines, steady[len(steady)-1].goroutines
	}
	last := samples[len(samples)-1]
	f.HTTP5xx, f.WebhookErrs, f.SendFailed = last.http5xx, last.webhookErr, last.sendFailed
	f.Rate = make([]float64, len(samples))
	for i := 1; i < len(samples); i++ {
		n := 0
		for _, c := range closes {
			if c.After(samples[i-1].at) && !c.After(samples[i].at) {
				n++
			}
		}
		f.Rate[i] = float64(n) / samples[i].at.Sub(samples[i-1].at).Seconds()
	}
	return f
}

// fit is the least-squares line of value over the steady samples (x in
// minutes), and the maximum over every sample. A sample whose value is
// unknown (negative) is left out.
func fit(steady, all []memSample, t0 time.Time, value func(memSample) float64) trend {
	var t trend
	var xs, ys []float64
	for _, s := range steady {
		if v := value(s); v >= 0 {
			xs, ys = append(xs, s.at.Sub(t0).Minutes()), append(ys, v)
		}
	}
	for _, s := range all {
		t.Max = max(t.Max, value(s))
	}
	if len(xs) < 2 {
		return t
	}
	slope, ok := leastSquares(xs, ys)
	if !ok {
		return t
	}
	t.Known = true
	t.Start, t.End, t.Slope = ys[0], ys[len(ys)-1], slope
	t.Growth = slope * (xs[len(xs)-1] - xs[0])
	t.LateSlope = math.NaN()
	mid := (xs[0] + xs[len(xs)-1]) / 2
	for i := range xs {
		if xs[i] >= mid {
			if late, ok := leastSquares(xs[i:], ys[i:]); ok && len(xs)-i >= 2 {
				t.LateSlope = late
			}
			break
		}
	}
	return t
}

// leastSquares is the slope of the line that best fits the points (x, y);
// ok is false when every x is the same.
func leastSquares(xs, ys []float64) (slope float64, ok bool) {
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	n := float64(len(xs))
	mx, my = mx/n, my/n
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	if sxx == 0 || math.IsNaN(sxx) {
		return 0, false
	}
	return sxy / sxx, true
}

// closeTimes are the times the agents closed the completed conversations.
func closeTimes(convs []*conv) []time.Time {
	var ts []time.Time
	for _, c := range convs {
		c.mu.Lock()
		if !c.closed.IsZero() && c.failure == "" {
			ts = append(ts, c.closed)
		}
		c.mu.Unlock()
	}
	return ts
}
