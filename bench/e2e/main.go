// Command e2e is the end-to-end load test: the real switchboard binary on a
// fresh SQLite store with the demo workspace and its inbound workflow;
// thousands of contacts, over the custom channel (webhook in, an
// integrator in this process receiving what the server sends out) and the
// website widget's protocol (visitor, socket), write, answer the seed
// workflow's question, and wait for an agent; simulated agents created
// through the API come online over time, each holding a live event
// stream, reply to the conversations assigned to them and close them
// after the contact's thanks. It reports throughput and latency
// percentiles per stage (ingest → workflow → assignment → agent sees it →
// reply delivered), checks the store afterwards, draws two PNG charts and
// writes the "## End to end" section of docs/benchmarks.md. With -soak it
// holds the same load for longer, samples the server's memory, goroutines
// and error counters, and writes the "## Soak" section instead.
//
//	go run ./bench/e2e -out docs/benchmarks.md
//	go run ./bench/e2e -soak 10m -out docs/benchmarks.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"
)

// config is one run's size.
type config struct {
	Bin         string        // the switchboard binary ("" builds one)
	Contacts    int           // contacts, each one conversation
	WidgetShare float64       // the share of contacts over the widget; the rest over the custom channel
	Agents      int           // simulated agents
	Capacity    int           // each agent's capacity
	Rate        float64       // contacts arriving per second
	Concurrency int           // contacts in flight at most
	Ramp        time.Duration // agents come online one after another over this time
	Think       time.Duration // an agent's pause before replying
	Timeout     time.Duration // how long a contact waits for each answer
	Soak        time.Duration // a soak of this length instead of the end-to-end run (0: none)
	Warmup      time.Duration // a soak's start left out of its steady state
	SampleEvery time.Duration // how often a soak samples the server's memory and metrics
	Charts      string        // folder of the PNG charts ("" draws none)
	Out         string        // the markdown file whose section is written ("" prints only)
	Command     string        // the command line, for the report
}

func main() {
	var c config
	flag.IntVar(&c.Contacts, "contacts", 6000, "contacts, each writing once and holding one conversation")
	flag.Float64Var(&c.WidgetShare, "widget", 0.5, "share of the contacts that use the website widget's protocol; the others use the custom channel")
	flag.IntVar(&c.Agents, "agents", 30, "simulated agents, spread over the Sales, Support and Billing teams")
	flag.IntVar(&c.Capacity, "capacity", 5, "conversations each agent may hold at once")
	flag.Float64Var(&c.Rate, "rate", 40, "contacts arriving per second")
	flag.IntVar(&c.Concurrency, "concurrency", 1000, "contacts in flight at most (an arrival waits for a slot)")
	flag.DurationVar(&c.Ramp, "ramp", time.Minute, "agents come online one after another over this time, from the start of the load")
	flag.DurationVar(&c.Think, "think", time.Second, "an agent's pause between seeing a conversation and replying, during which it holds one of its capacity's slots")
	flag.DurationVar(&c.Timeout, "timeout", 3*time.Minute, "how long a contact waits for the question and for the agent's reply")
	flag.StringVar(&c.Bin, "bin", "", "use this switchboard binary instead of building one")
	flag.DurationVar(&c.Soak, "soak", 0, "run a soak of this length instead: a steady load (contacts = rate × length unless -contacts is given) sampling the server's memory, goroutines and error counters; writes the \"## Soak\" section and soak-memory.png")
	flag.DurationVar(&c.Warmup, "warmup", 3*time.Minute, "a soak's first part, left out of its steady state (at most a fifth of the soak): agents come online and queues drain, and the RSS rose for about 2.5 minutes at 40 contacts a second while the Go heap did not (SQLite's page caches filling is the likely cause, not proven)")
	flag.DurationVar(&c.SampleEvery, "sample", 5*time.Second, "how often a soak samples the server")
	short := flag.Bool("short", false, "a tiny run (60 contacts, 6 agents) that checks the benchmark works, in well under a minute")
	charts := flag.String("charts", "", "folder of the PNG charts (default: docs/benchmarks next to -out; none without -out)")
	flag.StringVar(&c.Out, "out", "", "markdown file whose \"## End to end\" (or, with -soak, \"## Soak\") section is created or replaced (default: print only)")
	flag.Parse()
	if c.Soak > 0 {
		contactsGiven := false
		flag.Visit(func(f *flag.Flag) { contactsGiven = contactsGiven || f.Name == "contacts" })
		if !contactsGiven {
			c.Contacts = max(1, int(c.Rate*c.Soak.Seconds()))
		}
		c.Warmup = min(c.Warmup, c.Soak/5)
	}
	if *short {
		c.Contacts, c.Agents, c.Capacity, c.Rate, c.Ramp, c.Think, c.Timeout = 60, 6, 3, 30, 2*time.Second, 50*time.Millisecond, 30*time.Second
	}
	c.Charts = *charts
	if c.Charts == "" && c.Out != "" {
		c.Charts = filepath.Join(filepath.Dir(c.Out), "benchmarks")
	}
	c.Command = commandLine()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	if !res.ok() {
		fmt.Fprintln(os.Stderr, "e2e: the run failed its checks; see the section above")
		os.Exit(1)
	}
	if c.Soak > 0 && !res.Soak.flat() {
		fmt.Fprintln(os.Stderr, "e2e: the server's memory grew during the soak; see the section above")
		os.Exit(1)
	}
}

// commandLine is how this run was started, as the report shows it.
func commandLine() string {
	s := "go run ./bench/e2e"
	for _, a := range os.Args[1:] {
		s += " " + a
	}
	return s
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}
