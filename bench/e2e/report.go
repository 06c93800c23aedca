package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// markdown renders the "## End to end" section.
func (r result) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.C
	secs := r.Window.Seconds()
	p("## End to end\n\n")
	p("Written by `%s` (`make bench`); every number below comes from one run.\n\n", c.Command)
	r.machine(p)

	p("### Method\n\n")
	p("A fresh data folder gets the demo workspace with its inbound workflow (`switchboard demo --json --channel-url <integrator>`: welcome, *What can we help you with?* ")
	p("with the options Sales, Support and Billing, a branch, and Assign To the team round robin among its online agents, queueing when none is free), then `switchboard serve` runs as a child process on 127.0.0.1. ")
	p("As the workspace's owner (the demo's API token) the benchmark adds a website widget channel and %d agents (`POST /api/v1/users`), spread over the Sales, Support and Billing teams (`PATCH /api/v1/teams/{id}`), ", c.Agents)
	p("each with a capacity of %d (`PUT /api/v1/users/{id}/capacity`) and a token of its own (`POST /api/v1/tokens` with `user_id`). ", c.Capacity)
	p("Every agent holds a live stream (`GET /api/v1/events/stream?types=conversation.assigned,message.received`) from the start and comes online with `POST /api/v1/presence/heartbeat` (then every 30 s), one after another over the first %s of the load, so the first contacts wait in the teams' queues. ", c.Ramp)
	p("On `conversation.assigned` for itself an agent replies")
	if c.Think > 0 {
		p(" after a pause of %s, as a person reads, the conversation holding one of its slots meanwhile", c.Think)
	} else {
		p(" at once")
	}
	p(" (`POST /api/v1/conversations/{id}/messages`); on the contact's next message (`message.received`) it closes the conversation with the category *Resolved* and a summary (`POST …/close`).\n\n")
	p("%d contacts arrive at %.0f a second (at most %d in flight), each a new person with one conversation: %.0f%% over the custom channel — its webhook ", c.Contacts, c.Rate, c.Concurrency, 100*(1-c.WidgetShare))
	p("(`POST /channels/custom/{id}/webhook`, bearer channel token) in, and an HTTP server in the benchmark as the channel's base URL receiving what the server sends (`POST <base>/message`) — ")
	p("and %.0f%% over the widget's protocol: `POST /widget/{id}/visitors`, then the visitor socket (`GET /widget/{id}/socket`: auth frame, message frames, acks, pushed messages). ", 100*c.WidgetShare)
	p("The widget limits requests per site (20 a second after a burst of 600, docs/widget.md), so the visitors come from %d sites (origins) of one channel, as several shops embedding it would. ", widgetSites)
	p("A contact writes, waits for the workflow's question, answers with its team (Sales, Support and Billing in turn), waits for the agent's reply and says thanks; its agent then closes the conversation. A contact gives up on a step after %s.\n\n", c.Timeout)
	p("Each stage is timed per conversation by the benchmark's clock at its boundaries, except that the assignment is the server's stamp on the `conversation.assigned` event (the same machine, the same clock), which splits the answer-to-agent time into the server deciding and the stream delivering (the server stamps events to the millisecond, so up to 1 ms moves from the first to the second):\n\n")
	p("| stage | from → to |\n|---|---|\n")
	for i := range stageCount {
		p("| %s | %s |\n", stageNames[i], stageBounds[i])
	}
	p("\nAfter the run the server is stopped and its SQLite file opened read-only to check every message, every conversation's state and, replaying `conversation.assigned` / `unassigned` / `closed` from the event log in order, the most conversations any agent held at once.\n\n")

	p("### Results\n\n")
	p("| measure | value |\n|---|---:|\n")
	p("| contacts started (custom channel / widget) | %d (%d / %d) |\n", r.Started, r.Kinds["custom"], r.Kinds["widget"])
	p("| conversations completed (closed by their agent) | %d |\n", r.Completed)
	p("| failures | %s |\n", r.failureText())
	p("| wall time, first contact's message → last close | %s |\n", r.Window.Round(time.Millisecond))
	p("| completed conversations/s | %.1f (arrivals: %.1f/s) |\n", harness.Ratio(float64(r.Completed), secs), c.Rate)
	p("| messages/s (%d from contacts, acknowledged; %d to contacts, received) | %.1f |\n", r.MsgsIn, r.MsgsOut, harness.Ratio(float64(r.MsgsIn+r.MsgsOut), secs))
	if r.ServerCPU >= 0 && secs > 0 {
		p("| server CPU | %.1f s (%.2f cores on average; %.1f ms per completed conversation) |\n", r.ServerCPU.Seconds(), r.ServerCPU.Seconds()/secs,
			harness.Ratio(float64(r.ServerCPU.Milliseconds()), float64(r.Completed)))
	}
	if secs > 0 {
		p("| benchmark process CPU (contacts, integrator, agents) | %.1f s (%.2f cores on average) |\n", r.ClientCPU.Seconds(), r.ClientCPU.Seconds()/secs)
	}
	p("| agents' stream reconnects / failed calls | %d / %d |\n\n", r.Reconnect, r.AgentErrs)

	r.stageTable(p)
	p("\nBy channel (p50 / p99):\n\n| stage | custom channel | widget |\n|---|---:|---:|\n")
	for i := range stageCount {
		cu, wi := r.ByKind["custom"][i], r.ByKind["widget"][i]
		p("| %s | %s / %s | %s / %s |\n", stageNames[i], harness.Ms(cu.P50), harness.Ms(cu.P99), harness.Ms(wi.P50), harness.Ms(wi.P99))
	}
	for _, path := range r.Charts {
		alt := "bench/e2e: latency per stage (p50, p90, p99 and max, log scale)"
		switch {
		case strings.Contains(path, "throughput"):
			alt = "bench/e2e: conversations completed and contacts arriving per second, and agents online, over the run"
		case strings.Contains(path, "over-time"):
			alt = "bench/e2e: workflow and reply latency per bucket, and the cores used by the server, the benchmark and other processes, over the run"
		}
		p("\n![%s](%s)\n", alt, path)
	}

	r.checks(p)
	r.firstFailures(p)
	p("\n### Reading\n\n")
	r.reading(p)
	return b.String()
}

// machine writes the date, commit and machine lines of a section.
func (r result) machine(p func(string, ...any)) {
	secs := r.Window.Seconds()
	p("%s", r.M.Header(fmt.Sprintf("SQLite in WAL mode with synchronous=FULL; the server, the contacts, the integrator and the agents share the same %d cores", r.M.CPUs)))
	if r.OtherCPU >= 0 && secs > 0 {
		p("- Other processes used %.2f cores on average during the run (from /proc/stat)\n", r.OtherCPU.Seconds()/secs)
	}
	p("\n")
}

// stageTable writes the latency of each stage over every contact.
func (r result) stageTable(p func(string, ...any)) {
	p("Latency per stage, all contacts:\n\n")
	p("| stage | n | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n")
	for i, s := range r.Stages {
		p("| %s | %d | %s | %s | %s | %s |\n", stageNames[i], s.N, harness.Ms(s.P50), harness.Ms(s.P90), harness.Ms(s.P99), harness.Ms(s.Max))
	}
}

// checks writes the table of the store's checks after the run.
func (r result) checks(p func(string, ...any)) {
	c := r.C
	p("\nChecks on the store after the run:\n\n| check | result |\n|---|---|\n")
	v := r.V
	p("| contacts' messages stored (acknowledged: %d) | %d, %d provider ids stored twice |\n", r.MsgsIn, v.InboundStored, v.InboundDupes)
	p("| agents' replies stored (accepted: %d) | %d |\n", r.Replies, v.RepliesStored)
	p("| messages to contacts stored (received by the integrator and the sockets: %d) | %d, %d not sent |\n", r.MsgsOut, v.OutboundStored, v.OutboundUnsent)
	p("| conversations / contacts with two open at once | %d / %d |\n", v.Conversations, v.TwoOpen)
	p("| closed as *Resolved* with a summary (closed by agents: %d) | %d |\n", r.Completed, v.ClosedResolved)
	p("| most conversations an agent held at once, replayed from the event log (capacity %d) | %d |\n", c.Capacity, v.MaxOpenPerAgent)
	p("| assignments above capacity (of %d `conversation.assigned`) | %d |\n", v.AssignmentEvents, v.OverCapacity)
	if v.OK() {
		p("| verdict | every check passed |\n")
	} else {
		p("| verdict | **failed**: %s |\n", strings.Join(v.Problems, "; "))
	}
}

// firstFailures lists the first failure of each kind, if any.
func (r result) firstFailures(p func(string, ...any)) {
	if len(r.FirstFail) > 0 {
		p("\nFirst failure of each kind:\n\n")
		for _, k := range sortedKeys(r.FirstFail) {
			p("- `%s`\n", clip(r.FirstFail[k], 300))
		}
	}
}

// reading writes the comparisons within this run that the numbers allow.
func (r result) reading(p func(string, ...any)) {
	s := r.Stages
	secs := r.Window.Seconds()
	rate := harness.Ratio(float64(r.Completed), secs)
	p("- Throughput: %.1f conversations completed a second against %.1f arriving, %.0f%% of the arrival rate over the whole window, which also holds the ramp at the start (agents coming online over %s) and the tail at the end (the last contacts' exchanges); see the throughput chart for the steady part. ",
		rate, r.C.Rate, 100*harness.Ratio(rate, r.C.Rate), r.C.Ramp)
	p("Each conversation is %.1f messages through the server (%d from contacts, %d to them), plus an assignment and a close.\n",
		harness.Ratio(float64(r.MsgsIn+r.MsgsOut), float64(r.Started)), r.MsgsIn, r.MsgsOut)
	// Where the time goes: the stages by median.
	order := []int{stageIngest, stageWorkflow, stageAssign, stageSeen, stageReply}
	sort.SliceStable(order, func(i, j int) bool { return s[order[i]].P50 > s[order[j]].P50 })
	top := order[0]
	p("- Where a contact waits: by median, %s (%s) is the longest stage, %.1f× %s (%s).", stageNames[top], harness.Ms(s[top].P50),
		harness.Ratio(float64(s[top].P50), float64(max(s[order[1]].P50, time.Microsecond))), stageNames[order[1]], harness.Ms(s[order[1]].P50))
	p("\n")
	if ra, af := r.AssignRamp, r.AssignAfter; ra.N > 0 && af.N > 0 {
		p("- Assignment includes waiting in the team's queue. The %d contacts who answered while agents were still coming online (the first %s) waited %s at the median and %s at p99; the %d who answered after waited %s and %s: ",
			ra.N, r.C.Ramp, harness.Ms(ra.P50), harness.Ms(ra.P99), af.N, harness.Ms(af.P50), harness.Ms(af.P99))
		p("at p99 the wait during the ramp is %.0f× the wait after it, where what remains is the routing decision and, at times, a wait for a free slot among agents at capacity.\n", harness.Ratio(float64(ra.P99), float64(max(af.P99, time.Microsecond))))
	}
	if s[stageWorkflow].N > 0 && s[stageIngest].N > 0 {
		p("- The workflow's question reaches the contact %s after the first message at the median, %.1f× the time the channel took to acknowledge that message (%s): after the commit come the workflow's run (welcome, then the question), two outbound sends through the dispatcher and, for the custom channel, a POST to the integrator.\n",
			harness.Ms(s[stageWorkflow].P50), harness.Ratio(float64(s[stageWorkflow].P50), float64(max(s[stageIngest].P50, time.Microsecond))), harness.Ms(s[stageIngest].P50))
	}
	if s[stageSeen].N > 0 {
		p("- The live stream adds %s at the median and %s at p99 between the server stamping an assignment and the agent reading it (the commit, the tail waking, the visibility check, the write).\n",
			harness.Ms(s[stageSeen].P50), harness.Ms(s[stageSeen].P99))
	}
	cu, wi := r.ByKind["custom"][stageReply], r.ByKind["widget"][stageReply]
	if cu.N > 0 && wi.N > 0 {
		p("- An agent's reply reaches a custom-channel contact in %s and a widget visitor in %s at the median (p99 %s and %s): the first goes through the outbound queue and an HTTP POST to the integrator, the second is pushed on the visitor's socket when its event is appended.\n",
			harness.Ms(cu.P50), harness.Ms(wi.P50), harness.Ms(cu.P99), harness.Ms(wi.P99))
	}
	if saturated, known := r.saturated(); known > 0 {
		p("- The machine is shared: other processes used %s on average during the run, and in %d of %d buckets (%.0f%%) the server, the benchmark and the others together used at least 95%% of the %d cores, so the server will have waited for a core at times. ",
			r.otherCores(), saturated, known, 100*float64(saturated)/float64(known), r.M.CPUs)
		if calm, busy, below, above, ok := r.byNeighbours(); ok {
			p("In the quarter of the %s buckets where the other processes used the least CPU (at most %.2f cores) a bucket's median workflow latency was typically %s; in the quarter where they used the most (at least %.2f cores), %s: %.1f×. The over-time chart shows each bucket's latency beside the cores used.\n",
				r.Series.Bucket, below, harness.Ms(calm.P50), above, harness.Ms(busy.P50), harness.Ratio(float64(busy.P50), float64(max(calm.P50, time.Microsecond))))
		} else {
			p("\n")
		}
	}
	if len(r.Failures) == 0 && r.V.OK() {
		p("- Every contact completed its exchange, and the store agrees with what the contacts and agents saw.\n")
	} else {
		p("- **Not every contact completed its exchange, or a check failed**: %s.\n", r.failureText())
	}
}

// saturated counts the buckets with CPU figures, and those in which the
// server, the benchmark and the other processes together used at least
// 95% of the cores.
func (r result) saturated() (saturated, known int) {
	s := r.Series
	for i := range s.OtherCores {
		if s.OtherCores[i] < 0 || s.ServerCores[i] < 0 || s.SelfCores[i] < 0 {
			continue
		}
		known++
		if s.OtherCores[i]+s.ServerCores[i]+s.SelfCores[i] >= 0.95*float64(r.M.CPUs) {
			saturated++
		}
	}
	return saturated, known
}

// byNeighbours compares the buckets where the other processes used the
// least CPU with those where they used the most (a quarter of the buckets
// each): the median of the buckets' workflow p50, and the other processes'
// cores at the quarters' edges.
func (r result) byNeighbours() (calm, busy percentiles, calmBelow, busyAbove float64, ok bool) {
	s := r.Series
	type bucket struct {
		other float64
		p50   time.Duration
	}
	var bs []bucket
	for i := range s.OtherCores {
		if s.OtherCores[i] >= 0 && s.WorkflowP50[i] > 0 {
			bs = append(bs, bucket{s.OtherCores[i], s.WorkflowP50[i]})
		}
	}
	q := len(bs) / 4
	if q < 2 {
		return calm, busy, 0, 0, false
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].other < bs[j].other })
	var lo, hi []time.Duration
	for _, b := range bs[:q] {
		lo = append(lo, b.p50)
	}
	for _, b := range bs[len(bs)-q:] {
		hi = append(hi, b.p50)
	}
	return summarize(lo), summarize(hi), bs[q-1].other, bs[len(bs)-q].other, true
}

// otherCores is the other processes' average use of the cores, in words.
func (r result) otherCores() string {
	if r.OtherCPU < 0 || r.Window <= 0 {
		return "an unknown share of the cores"
	}
	return fmt.Sprintf("%.2f of the %d cores", r.OtherCPU.Seconds()/r.Window.Seconds(), r.M.CPUs)
}

func (r result) failureText() string {
	if len(r.Failures) == 0 {
		return "0"
	}
	var parts []string
	for _, k := range sortedKeys(r.Failures) {
		parts = append(parts, fmt.Sprintf("%d at %s", r.Failures[k], k))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
