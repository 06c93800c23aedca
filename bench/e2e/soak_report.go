package main

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// soakMarkdown renders the "## Soak" section: the same load, stages and
// store checks as the end-to-end run, held for the soak's duration, with
// the server's memory, goroutines and error counters over it.
func (r result) soakMarkdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c, f := r.C, r.Soak
	secs := r.Window.Seconds()
	p("## Soak\n\n")
	p("Written by `%s` (`make soak`, which `make bench` runs); every number below comes from one run.\n\n", c.Command)
	r.machine(p)

	p("### Method\n\n")
	p("The load of the end-to-end benchmark (the section *End to end*: the demo workspace and its inbound workflow on SQLite, contacts over the custom channel and the widget, simulated agents who reply and close), held steady for %s: ", c.Soak)
	p("%d contacts arriving at %.0f a second (%.0f%% over the widget), %d agents of capacity %d, all online after the first %s, each replying after %s and closing on the contact's thanks. ",
		r.Started, c.Rate, 100*c.WidgetShare, c.Agents, c.Capacity, c.Ramp, c.Think)
	p("The server was started with a metrics token; before the first contact, every %s during the load and once after the last close (the benchmark's idle keep-alive connections then closed both ways), the benchmark read its resident set size (`VmRSS` of `/proc/<pid>/status`) and scraped its `/metrics`: ", c.SampleEvery)
	p("`go_memstats_heap_inuse_bytes`, `go_memstats_sys_bytes`, `go_goroutines`, and the error counters `switchboard_http_requests_total` with a 5xx code, `switchboard_webhook_errors_total` and `switchboard_outbound_sends_total{result=\"failed\"}`.\n\n")
	p("The steady state runs from the end of the warm-up, %s after the first contact (agents coming online, queues draining, caches and pools filling), to the last arrival at %s. ", f.SteadyFrom, f.SteadyTo)
	p("Memory is called **flat** when the least-squares line through the steady state's samples grows, over the steady state, by less than %.0f%% of the level at its start and less than %.0f MB: ", 100*flatShare, flatMB)
	p("a leak of a few kilobytes per conversation would exceed that over %s at this rate, while the garbage collector's swings, which the line averages away, do not; a process that shrinks is flat. Both RSS and the heap in use must be flat. What the Go runtime obtained from the OS is shown beside RSS, not judged: RSS growing while it does not is memory outside the Go runtime, which in this pure-Go build is SQLite's (modernc.org/libc's allocator; the page cache is up to 64 MiB per connection).\n\n", c.Soak)

	p("### Results\n\n")
	p("| memory | steady start | steady end | max during the run | slope (least squares) | growth over the steady state | verdict | slope over its second half |\n|---|---:|---:|---:|---:|---:|---|---:|\n")
	for _, m := range []struct {
		name   string
		t      trend
		judged bool
	}{{"RSS", f.RSS, true}, {"Go heap in use", f.Heap, true}, {"Go runtime, from the OS (`go_memstats_sys_bytes`)", f.GoSys, false}} {
		if !m.t.Known {
			p("| %s | — | — | — | — | — | unknown (too few samples) | — |\n", m.name)
			continue
		}
		verdict := "flat"
		switch {
		case !m.judged:
			verdict = "not judged"
		case !m.t.Flat():
			verdict = "**growing**"
		}
		p("| %s | %.1f MB | %.1f MB | %.1f MB | %+.2f MB/min | %+.1f MB (%+.1f%%) | %s | %s |\n", m.name, m.t.Start, m.t.End, m.t.Max, m.t.Slope, m.t.Growth,
			100*harness.Ratio(m.t.Growth, m.t.Start), verdict, slopeText(m.t.LateSlope))
	}
	p("\n| measure | value |\n|---|---:|\n")
	p("| samples (in the steady state) | %d (%d), every %s |\n", len(f.Samples), f.SteadySamples, c.SampleEvery)
	p("| goroutines: before the load / steady start / steady end / after the last close | %s / %s / %s / %s |\n", count(f.GoBefore), count(f.GoStart), count(f.GoEnd), count(f.GoAfter))
	p("| HTTP responses 5xx | %s |\n", count(f.HTTP5xx))
	p("| webhooks refused (`switchboard_webhook_errors_total`) | %s |\n", count(f.WebhookErrs))
	p("| outbound sends failed | %s |\n", count(f.SendFailed))
	p("| `/metrics` scrapes failed | %d |\n", f.ScrapeErrs)
	p("| benchmark failures by stage | %s |\n", r.failureText())
	p("| agents' stream reconnects / failed calls | %d / %d |\n", r.Reconnect, r.AgentErrs)
	p("| contacts started / conversations completed | %d / %d |\n", r.Started, r.Completed)
	p("| wall time, first contact's message → last close | %s |\n", r.Window.Round(time.Millisecond))
	p("| completed conversations/s | %.1f (arrivals: %.1f/s) |\n", harness.Ratio(float64(r.Completed), secs), c.Rate)
	if r.ServerCPU >= 0 && secs > 0 {
		p("| server CPU | %.1f s (%.2f cores on average; %.1f ms per completed conversation) |\n", r.ServerCPU.Seconds(), r.ServerCPU.Seconds()/secs,
			harness.Ratio(float64(r.ServerCPU.Milliseconds()), float64(r.Completed)))
	}
	for _, path := range r.Charts {
		p("\n![bench/e2e soak: the server's RSS and Go heap in use over the run, with the least-squares lines over the steady state, and conversations completed per second](%s)\n", path)
	}
	p("\n")
	r.stageTable(p)
	r.checks(p)
	r.firstFailures(p)
	if f.FirstScrape != "" {
		p("\nFirst failed scrape: `%s`\n", clip(f.FirstScrape, 300))
	}

	p("\n### Reading\n\n")
	r.soakReading(p)
	return b.String()
}

// soakReading says what the figures mean, from this run alone.
func (r result) soakReading(p func(string, ...any)) {
	f := r.Soak
	steady := f.SteadyTo - f.SteadyFrom
	if f.RSS.Known && f.Heap.Known {
		if f.flat() {
			p("- Memory is flat: over %s of steady load the fitted RSS moved by %+.1f MB and the heap in use by %+.1f MB, within the bound (under %.0f%% and %.0f MB).\n",
				steady, f.RSS.Growth, f.Heap.Growth, 100*flatShare, flatMB)
		} else {
			p("- **Memory grew** beyond the bound over %s of steady load: RSS %+.1f MB, heap in use %+.1f MB (bound: under %.0f%% of the start and %.0f MB). ",
				steady, f.RSS.Growth, f.Heap.Growth, 100*flatShare, flatMB)
			p("Over the second half of the steady state alone the slopes are %s (RSS) and %s (heap), against %s and %s over all of it: ",
				slopeText(f.RSS.LateSlope), slopeText(f.Heap.LateSlope), slopeText(f.RSS.Slope), slopeText(f.Heap.Slope))
			p("a growth that levels off (a cache filling up to its limit) is steeper early than late; a leak keeps its slope.\n")
		}
	}
	if f.GoStart >= 0 && f.GoEnd >= 0 {
		p("- Goroutines: %s at the start of the steady state and %s at its end; %s before the first contact and %s once every conversation was closed (the agents' streams still open), so ",
			count(f.GoStart), count(f.GoEnd), count(f.GoBefore), count(f.GoAfter))
		if f.GoAfter <= f.GoBefore+10 {
			p("what the load started, it released (within 10).\n")
		} else {
			p("**%s more remain after the load than before it**.\n", count(f.GoAfter-f.GoBefore))
		}
	}
	if f.errors() == 0 && len(r.Failures) == 0 && r.V.OK() {
		p("- No errors: no 5xx response, no refused webhook, no failed send, no failed scrape, every contact completed its exchange and the store checks passed.\n")
	} else {
		p("- **Errors**: %s 5xx, %s refused webhooks, %s failed sends, %d failed scrapes; benchmark failures: %s.\n",
			count(f.HTTP5xx), count(f.WebhookErrs), count(f.SendFailed), f.ScrapeErrs, r.failureText())
	}
	if r.OtherCPU >= 0 {
		p("- The machine is shared: other processes used %s on average during the run; their bursts show in the latency percentiles, not in the memory.\n", r.otherCores())
	}
}

// slopeText prints a slope in MB per minute, or a dash when unknown.
func slopeText(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%+.2f MB/min", v)
}

// count prints a counter or gauge, or a dash when unknown.
func count(v float64) string {
	if v < 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f", v)
}
