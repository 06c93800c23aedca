package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// aimCounts is issue 8's aim for the counts at p99; aimFirstPage is issue
// 9's for the first page of the list (with 10,000 open conversations; this
// workspace holds more).
const (
	aimCounts    = 20 * time.Millisecond
	aimFirstPage = 50 * time.Millisecond
)

// timings measures the baseline, the counts and the first page of each
// sort, as the owner and as an agent.
func (in *inbox) timings(ctx context.Context, runs int) ([]timing, error) {
	var out []timing
	add := func(name string, fn func(context.Context) error) error {
		t, err := measure(ctx, name, runs, fn)
		out = append(out, t)
		fmt.Fprintf(os.Stderr, "  %-40s p50 %s p99 %s\n", name, harness.Ms(t.P50), harness.Ms(t.P99))
		return err
	}
	if err := add("baseline: SELECT COUNT(*) FROM conversations", func(ctx context.Context) error {
		var n int64
		return in.d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM conversations`).Scan(&n)
	}); err != nil {
		return nil, err
	}
	// What counting All would cost without conversation_counts: one walk
	// of the (workspace, status) index over every open conversation.
	if err := add("walk: COUNT(*) of the open conversations", func(ctx context.Context) error {
		var n int64
		return in.d.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM conversations WHERE workspace_id = ? AND status = 'open'`, in.owner.WorkspaceID).Scan(&n)
	}); err != nil {
		return nil, err
	}
	for _, who := range []struct {
		name string
		p    access.Principal
	}{{"owner", in.owner}, {"agent", in.agent}} {
		if err := add("counts as "+who.name, func(ctx context.Context) error {
			_, err := in.conv.Counts(ctx, who.p, "")
			return err
		}); err != nil {
			return nil, err
		}
		// A view on the contact cannot be read from conversation_counts:
		// it counts its conversations.
		if err := add("count of a vip-tag view as "+who.name, func(ctx context.Context) error {
			_, err := in.conv.Count(ctx, who.p, conversation.ListFilter{Status: conversation.StatusOpen, Tag: "vip"})
			return err
		}); err != nil {
			return nil, err
		}
		for _, sort := range conversation.Sorts {
			if err := add("first page by "+sort+" as "+who.name, func(ctx context.Context) error {
				_, err := in.conv.List(ctx, who.p, conversation.ListFilter{Status: conversation.StatusOpen, Sort: sort}, page.Request{Limit: page.DefaultLimit})
				return err
			}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

type report struct {
	M       harness.Machine
	Shape   shape
	Dialect string
	Seed    time.Duration
	Runs    int
	Timings []timing
}

// markdown renders the "## Inbox lists" section; its reading is computed
// from the numbers, so a rerun elsewhere rewrites it truthfully.
func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	base := r.Timings[0]
	p("## Inbox lists\n\n")
	p("Written by `go run ./bench/inbox` (`make bench`); every number below comes from one run.\n\n")
	p("%s", r.M.Header(""))
	p("- Store: %s, in process (no HTTP), reads through the reader pool\n\n", r.Dialect)
	p("### Method\n\n")
	p("One workspace with %d open conversations (each its own contact), %d agents in %d teams, %d channels, seeded with bulk inserts in one transaction (%s). ",
		r.Shape.Conversations, r.Shape.Agents, r.Shape.Teams, r.Shape.Channels, r.Seed.Round(time.Millisecond))
	p("A third are unassigned, the rest spread over their team's agents; a quarter wait for a reply (one message from the contact), the others have the contact's message and a reply; open and last-message times repeat, so sorts meet ties. ")
	p("Each query runs %d times after 5 warm-up runs. **Counts** is `conversation.Service.Counts`: All, Mine, Unassigned, each team, and the principal's two saved views (by channel, and by team and unassigned). **Count of a vip-tag view** is `conversation.Service.Count` of open conversations whose contact has a tag. ", r.Runs)
	p("**First page** is `conversation.Service.List` of open conversations, 50 per page, each row with its contact's name and a preview of its newest message (what the inbox shows). The owner sees everything; the agent (one team, default restrictions) sees their own and their team's unassigned. ")
	p("**Baseline** is a bare `SELECT COUNT(*) FROM conversations` on the same store in the same run (SQLite answers it from the b-tree's page counts); ")
	p("**walk** counts the open conversations through the (workspace, status) index, what All would cost without `conversation_counts`, the per-(status, team, assignee, channel, source) counts that triggers keep.\n\n")
	p("### Results\n\n")
	walk := r.Timings[1]
	p("| query | p50 | p99 | p50 ÷ bare count p50 | p50 ÷ walk p50 |\n|---|---:|---:|---:|---:|\n")
	for _, t := range r.Timings {
		p("| %s | %s | %s | %.0f× | %.3f× |\n", t.Name, harness.Ms(t.P50), harness.Ms(t.P99),
			harness.Ratio(float64(t.P50), float64(base.P50)), harness.Ratio(float64(t.P50), float64(walk.P50)))
	}
	p("\n### Reading\n\n")
	for _, t := range r.Timings {
		if strings.HasPrefix(t.Name, "counts") {
			p("- Aim: counts under %s at p99 with %d open conversations. Counts %s: p99 %s (%s); p50 %s, %.0f× the bare count and %.3f× the walk over the open conversations that counting without `conversation_counts` would need.\n",
				harness.Ms(aimCounts), r.Shape.Conversations, strings.TrimPrefix(t.Name, "counts "), harness.Ms(t.P99), harness.MetOr(t.P99 < aimCounts),
				harness.Ms(t.P50), harness.Ratio(float64(t.P50), float64(base.P50)), harness.Ratio(float64(t.P50), float64(walk.P50)))
		}
	}
	var worst timing
	for _, t := range r.Timings {
		if strings.HasPrefix(t.Name, "first page") && t.P99 > worst.P99 {
			worst = t
		}
	}
	for _, t := range r.Timings {
		if strings.HasPrefix(t.Name, "count of a vip") {
			p("- A saved view that filters on the contact (here a tag on a tenth of them) is counted from the conversations, not from `conversation_counts`: %s, p50 %s, p99 %s (%.3f× the walk). Counts that include such views cost that much more.\n",
				strings.TrimPrefix(t.Name, "count of a vip-tag view "), harness.Ms(t.P50), harness.Ms(t.P99), harness.Ratio(float64(t.P50), float64(walk.P50)))
		}
	}
	p("- Aim: the first page of the list under %s at p99 with 10000 open conversations; here %d. The slowest first page is %s: p50 %s, p99 %s (%s). The owner's pages walk their sort's index and stop after 51 rows; the agent's scope (own, or unassigned in their team) skips the rows it may not see along the same walk.\n",
		harness.Ms(aimFirstPage), r.Shape.Conversations, worst.Name, harness.Ms(worst.P50), harness.Ms(worst.P99), harness.MetOr(worst.P99 < aimFirstPage))
	if load, err := strconv.ParseFloat(r.M.Load, 64); err == nil && load > float64(r.M.CPUs) {
		p("- The machine was shared: load average %s on %d CPUs when the run started. A query of a tenth of a millisecond that loses the CPU waits a scheduler slice, so the p99 column here measures the machine's queue more than the query; the p50 ratios, measured in the same run, are the steadier figures.\n", r.M.Load, r.M.CPUs)
	}
	return b.String()
}
