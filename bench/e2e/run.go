package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
)

// result is everything one run measured.
type result struct {
	C      config
	M      harness.Machine
	Stages [stageCount]percentiles
	// The assignment stage of the contacts who answered while agents were
	// still coming online, and of those who answered after.
	AssignRamp, AssignAfter percentiles
	ByKind                  map[string][stageCount]percentiles // "custom", "widget"
	Started                 int
	Kinds                   map[string]int // contacts by channel
	Completed               int            // closed by their agent
	Window                  time.Duration  // the first contact's message to the last close
	MsgsIn                  int            // contacts' messages acknowledged
	MsgsOut                 int            // messages the contacts' channels received
	Replies                 int            // agent replies accepted by the API
	Failures                map[string]int
	FirstFail               map[string]string
	Foreign                 int64 // assignments of conversations the benchmark did not start
	AgentErrs               int64
	Reconnect               int64
	ServerCPU               time.Duration
	ClientCPU               time.Duration // this process: contacts, integrator and agents
	OtherCPU                time.Duration // -1: unknown
	Series                  series
	Charts                  []string // PNG paths, relative to the markdown file
	V                       verdict
	Soak                    soakFigures // with -soak
}

func (r result) ok() bool {
	return r.V.OK() && r.Completed == r.Started && len(r.Failures) == 0 && (r.C.Soak == 0 || r.Soak.errors() == 0)
}

// run does one end-to-end run and reports it.
func run(ctx context.Context, c config) (result, error) {
	res := result{C: c, M: harness.DescribeMachine(), Kinds: map[string]int{}, Failures: map[string]int{}, FirstFail: map[string]string{}}
	dir, err := os.MkdirTemp("", "switchboard-e2e-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	if c.Bin == "" {
		logf("building %s", harness.MainPackage)
		if c.Bin, err = harness.Build(ctx, dir, false); err != nil {
			return res, err
		}
	}
	integ := newIntegrator()
	defer integ.Close()
	store := harness.StoreArgs(filepath.Join(dir, "data"), "")
	demo, err := harness.LoadDemo(ctx, c.Bin, append(slices.Clone(store), "--channel-url", integ.srv.URL))
	if err != nil {
		return res, err
	}
	integ.setToken(demo.ChannelToken)
	// A soak scrapes /metrics on the main address, which asks for a token.
	metricsToken := fmt.Sprintf("soak-%d", time.Now().UnixNano())
	srv, err := harness.Start(ctx, harness.Options{Bin: c.Bin, StoreArgs: store, LogFile: filepath.Join(dir, "serve.log"),
		Args: []string{"--metrics-token", metricsToken}})
	if err != nil {
		return res, err
	}
	defer srv.Kill() // only if we return early; a normal run stops it gracefully first

	client := harness.NewClient(c.Concurrency + 2*c.Agents)
	owner := &api{base: srv.URL, token: demo.APIToken, http: client}
	site, err := createWidget(ctx, owner)
	if err != nil {
		return res, err
	}
	reg := &registry{byID: map[int64]*conv{}}
	streams := &http.Client{Transport: client.Transport} // no timeout: streams stay open
	logf("creating %d agents (capacity %d)", c.Agents, c.Capacity)
	agents, err := createAgents(ctx, owner, c.Agents, c.Capacity, streams, reg)
	if err != nil {
		return res, err
	}
	agentCtx, stopAgents := context.WithCancel(ctx)
	defer stopAgents()
	var agentWG sync.WaitGroup
	for _, a := range agents {
		a.think = c.Think
		agentWG.Go(func() { a.listen(agentCtx) })
	}
	for _, a := range agents {
		select {
		case <-a.connected:
		case <-time.After(30 * time.Second):
			return res, fmt.Errorf("agent %d's stream did not open", a.index)
		}
	}

	wh := harness.NewWebhook(srv.URL, demo, c.Concurrency)
	logf("%d contacts at %.0f/s (%.0f%% over the widget), %d agents online over %s", c.Contacts, c.Rate, 100*c.WidgetShare, c.Agents, c.Ramp)
	srvCPU0, srvOK := srv.CPUSoFar()
	busy0, busyOK := harness.MachineBusy()
	self0 := harness.SelfCPU()
	t0 := time.Now()
	cpu := &sampler{}
	samplerCtx, stopSampler := context.WithCancel(ctx)
	defer stopSampler()
	var samplers sync.WaitGroup
	samplers.Go(func() { cpu.run(samplerCtx, srv) })
	var mem *memSampler
	if c.Soak > 0 {
		mem = newMemSampler(srv, metricsToken, c.SampleEvery)
		samplers.Go(func() { mem.run(samplerCtx, srv) })
	}
	presenceErr := make(chan error, len(agents))
	for i, a := range agents {
		at := t0.Add(time.Duration(float64(c.Ramp) * float64(i) / float64(max(1, len(agents)-1))))
		if len(agents) == 1 {
			at = t0
		}
		agentWG.Go(func() {
			if err := a.presence(agentCtx, at); err != nil {
				presenceErr <- err
			}
		})
	}
	convs := make([]*conv, c.Contacts)
	slots := make(chan struct{}, c.Concurrency)
	var contactWG sync.WaitGroup
	widgetEvery := 0.0
	for i := range c.Contacts {
		at := t0.Add(time.Duration(float64(i) / c.Rate * float64(time.Second)))
		select {
		case <-time.After(time.Until(at)):
		case <-ctx.Done():
			return res, ctx.Err()
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return res, ctx.Err()
		}
		cv := &conv{index: i, kind: "custom", team: teamsAnswered[i%len(teamsAnswered)], agent: -1}
		// Spread the widget contacts evenly among the custom ones.
		widgetEvery += c.WidgetShare
		if widgetEvery >= 1 {
			widgetEvery--
			cv.kind = "widget"
		}
		convs[i] = cv
		contactWG.Go(func() {
			defer func() { <-slots }()
			var l line
			if cv.kind == "widget" {
				cv.mu.Lock()
				cv.start = time.Now()
				cv.mu.Unlock()
				wl, err := dialWidget(ctx, site, i)
				if err != nil {
					cv.fail("visitor", err)
					return
				}
				l = wl
			} else {
				l = newCustomLine(wh, integ, i)
			}
			runContact(ctx, cv, l, reg, c.Timeout)
		})
		if i > 0 && i%500 == 0 {
			logf("  %d contacts started", i)
		}
	}
	contactWG.Wait()
	logf("every contact finished its part; waiting for the last closes")
	// The agents close after the thanks: wait for those in flight.
	deadline := time.Now().Add(c.Timeout)
	for time.Now().Before(deadline) && !allClosed(convs) {
		time.Sleep(50 * time.Millisecond)
	}
	if c.Soak > 0 {
		// The soak's last sample counts the goroutines the server keeps by
		// itself: close the idle keep-alive connections both ways (the
		// contacts' and agents' calls in, the sends to the integrator
		// out), which each hold a goroutine or two in the server, and give
		// it a moment to see them closed. The agents' streams stay open.
		client.CloseIdleConnections()
		integ.srv.Config.SetKeepAlivesEnabled(false)
		time.Sleep(2 * time.Second)
	}
	res.ServerCPU = -1
	if srvOK {
		if now, ok := srv.CPUSoFar(); ok {
			res.ServerCPU = now - srvCPU0
		}
	}
	stopSampler()
	samplers.Wait()
	res.ClientCPU = harness.SelfCPU() - self0
	res.OtherCPU = -1
	if busyOK {
		if busy1, ok := harness.MachineBusy(); ok {
			res.OtherCPU = max(0, busy1-busy0-max(res.ServerCPU, 0)-res.ClientCPU)
		}
	}
	stopAgents()
	agentWG.Wait()
	for _, a := range agents {
		a.wg.Wait() // replies and closes still in flight end with the context
	}
	close(presenceErr)
	if err, ok := <-presenceErr; ok {
		return res, err
	}
	if err := srv.Stop(30 * time.Second); err != nil {
		return res, fmt.Errorf("stop server: %w", err)
	}
	collect(&res, convs, agents, cpu, t0)
	// Counted where they arrive, whether or not a contact still waited.
	res.MsgsOut = int(integ.received.Load() + site.received.Load())
	agentIDs := map[int64]bool{}
	for _, a := range agents {
		agentIDs[a.userID] = true
	}
	if res.V, err = verify(ctx, filepath.Join(dir, "data"), agentIDs, c.Capacity, int64(res.MsgsIn), int64(res.MsgsOut), int64(res.Replies), int64(res.Completed)); err != nil {
		return res, err
	}
	if res.Foreign > 0 {
		res.V.Problems = append(res.V.Problems, fmt.Sprintf("%d assignments of conversations no benchmark contact opened", res.Foreign))
	}
	if integ.unknown.Load() > 0 {
		res.V.Problems = append(res.V.Problems, fmt.Sprintf("the integrator got %d messages for contacts the benchmark does not know", integ.unknown.Load()))
	}
	heading, section := "## End to end", ""
	if c.Soak > 0 {
		samples, scrapeErrs, firstErr := mem.snapshot()
		res.Soak = analyzeSoak(samples, scrapeErrs, firstErr, closeTimes(convs), t0, c.Warmup, c.Soak)
		if err := writeSoakChart(&res, t0); err != nil {
			return res, err
		}
		heading, section = "## Soak", res.soakMarkdown()
	} else {
		if err := writeCharts(&res); err != nil {
			return res, err
		}
		section = res.markdown()
	}
	fmt.Print(section)
	if c.Out != "" {
		if err := harness.WriteSection(c.Out, heading, section); err != nil {
			return res, err
		}
		logf("wrote %s", c.Out)
	}
	return res, nil
}

// relTo is path relative to the markdown file's folder, with slashes.
func relTo(out, path string) string {
	if out != "" {
		if r, err := filepath.Rel(filepath.Dir(out), path); err == nil {
			return filepath.ToSlash(r)
		}
	}
	return filepath.ToSlash(path)
}

// allClosed says whether every conversation whose contact said thanks was
// closed or failed.
func allClosed(convs []*conv) bool {
	for _, c := range convs {
		c.mu.Lock()
		waiting := c.thanksSent && c.closed.IsZero() && c.failure == ""
		c.mu.Unlock()
		if waiting {
			return false
		}
	}
	return true
}

// collect turns the conversations into the run's figures.
func collect(res *result, convs []*conv, agents []*agent, cpu *sampler, t0 time.Time) {
	var all [stageCount][]time.Duration
	var ramp, after []time.Duration
	rampEnd := t0.Add(res.C.Ramp)
	kinds := map[string]*[stageCount][]time.Duration{"custom": {}, "widget": {}}
	var last time.Time
	for _, c := range convs {
		d, ok := c.stages()
		c.mu.Lock()
		res.Started++
		res.Kinds[c.kind]++
		res.MsgsIn += c.messagesIn
		if !c.replySent.IsZero() {
			res.Replies++
		}
		switch {
		case c.failure != "":
			stage, _, _ := strings.Cut(c.failure, ":")
			res.Failures[stage]++
			if res.FirstFail[stage] == "" {
				res.FirstFail[stage] = c.failure
			}
		case c.closed.IsZero():
			res.Failures["close"]++
			if res.FirstFail["close"] == "" {
				res.FirstFail["close"] = fmt.Sprintf("close: the thanks was sent %v but the agent never closed", c.thanksSent)
			}
		default:
			res.Completed++
			last = later(last, c.closed)
		}
		c.mu.Unlock()
		if ok[stageAssign] {
			c.mu.Lock()
			during := c.answered.Before(rampEnd)
			c.mu.Unlock()
			if during {
				ramp = append(ramp, d[stageAssign])
			} else {
				after = append(after, d[stageAssign])
			}
		}
		for i := range stageCount {
			if ok[i] {
				all[i] = append(all[i], d[i])
				kinds[c.kind][i] = append(kinds[c.kind][i], d[i])
			}
		}
	}
	// A failed reply (a refused API call) is not a delivered reply.
	res.Replies -= res.Failures["agent reply"]
	for i := range stageCount {
		res.Stages[i] = summarize(all[i])
	}
	res.AssignRamp, res.AssignAfter = summarize(ramp), summarize(after)
	res.ByKind = map[string][stageCount]percentiles{}
	for k, ds := range kinds {
		var p [stageCount]percentiles
		for i := range stageCount {
			p[i] = summarize(ds[i])
		}
		res.ByKind[k] = p
	}
	if !last.IsZero() {
		res.Window = last.Sub(t0)
	}
	for _, a := range agents {
		res.Foreign += a.foreign.Load()
		res.AgentErrs += a.errs.Load()
		res.Reconnect += a.reconnect.Load()
	}
	res.Series = timeline(convs, agents, t0, res.Window)
	n := len(res.Series.Started)
	res.Series.ServerCores, res.Series.SelfCores, res.Series.OtherCores = cpu.cores(t0, res.Series.Bucket, n)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// timeline buckets arrivals, completions and agents online over the run.
func timeline(convs []*conv, agents []*agent, t0 time.Time, window time.Duration) series {
	bucket := time.Second
	for window > 90*bucket {
		bucket *= 2
	}
	n := max(1, int(window/bucket)+1)
	s := series{Bucket: bucket, Started: make([]int, n), Completed: make([]int, n), Online: make([]int, n)}
	idx := func(t time.Time) int { return min(n-1, max(0, int(t.Sub(t0)/bucket))) }
	wf, rp := make([][]time.Duration, n), make([][]time.Duration, n)
	for _, c := range convs {
		d, ok := c.stages()
		c.mu.Lock()
		if !c.start.IsZero() {
			s.Started[idx(c.start)]++
		}
		if !c.closed.IsZero() && c.failure == "" {
			s.Completed[idx(c.closed)]++
		}
		if ok[stageWorkflow] {
			wf[idx(c.start)] = append(wf[idx(c.start)], d[stageWorkflow])
		}
		if ok[stageReply] {
			rp[idx(c.replySent)] = append(rp[idx(c.replySent)], d[stageReply])
		}
		c.mu.Unlock()
	}
	for i := range n {
		w, r := summarize(wf[i]), summarize(rp[i])
		s.WorkflowP50, s.WorkflowMax = append(s.WorkflowP50, w.P50), append(s.WorkflowMax, w.Max)
		s.ReplyP50, s.ReplyMax = append(s.ReplyP50, r.P50), append(s.ReplyMax, r.Max)
	}
	for i := range n {
		end := t0.Add(time.Duration(i+1) * bucket)
		for _, a := range agents {
			if on := a.onlineAt.Load(); on != 0 && time.Unix(0, on).Before(end) {
				s.Online[i]++
			}
		}
	}
	return s
}

// writeCharts draws the two charts into the charts folder.
func writeCharts(res *result) error {
	if res.C.Charts == "" {
		return nil
	}
	if err := os.MkdirAll(res.C.Charts, 0o755); err != nil {
		return err
	}
	title := fmt.Sprintf("bench/e2e, %d contacts, %d agents, %s: latency per stage", res.Started, res.C.Agents, res.M.Date)
	stages := filepath.Join(res.C.Charts, "e2e-stages.png")
	if err := drawStages(stages, title, res.Stages); err != nil {
		return err
	}
	tp := filepath.Join(res.C.Charts, "e2e-throughput.png")
	title = fmt.Sprintf("bench/e2e, %d contacts at %.0f/s, %d agents online over %s: throughput", res.Started, res.C.Rate, res.C.Agents, res.C.Ramp)
	if err := drawThroughput(tp, title, res.Series); err != nil {
		return err
	}
	ot := filepath.Join(res.C.Charts, "e2e-over-time.png")
	title = fmt.Sprintf("bench/e2e, %d contacts: latency and CPU over the run (%d cores shared)", res.Started, res.M.CPUs)
	if err := drawOverTime(ot, title, res.Series, res.M.CPUs); err != nil {
		return err
	}
	for _, p := range []string{stages, tp, ot} {
		res.Charts = append(res.Charts, relTo(res.C.Out, p))
	}
	return nil
}
