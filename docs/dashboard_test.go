package docs_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// nodeMetrics is the name of every metric family a node registers, built
// the way `serve` builds it (every engine's collector included), observed
// or not.
func nodeMetrics(t *testing.T) map[string]bool {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	names := map[string]bool{}
	for _, n := range a.Metrics.Names() {
		names[n] = true
	}
	for _, want := range []string{"switchboard_outbound_sends_total", "switchboard_consumer_lag_events", "switchboard_webhook_attempts_total", "go_goroutines"} {
		if !names[want] {
			t.Fatalf("the node's registry lacks %s: Names is broken", want)
		}
	}
	return names
}

var (
	promString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promGrafana  = regexp.MustCompile(`\$\{?\w+\}?`)
	promMatchers = regexp.MustCompile(`\{[^{}]*\}|\[[^\]]*\]`)
	promLabelVal = regexp.MustCompile(`label_values\(([^,()]*(?:\{[^}]*\})?)\s*,\s*\w+\s*\)`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	promKeywords = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true,
		"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true, "inf": true, "nan": true}
)

// promMetrics returns the metric names a PromQL expression (or a Grafana
// label_values query) reads: every identifier that is not a function, a
// keyword, a label in a matcher or grouping, or a string.
func promMetrics(expr string) []string {
	s := promLabelVal.ReplaceAllString(expr, "$1") // Grafana's label_values(metric, label)
	s = promString.ReplaceAllString(s, `""`)
	s = promGrafana.ReplaceAllString(s, "")
	s = promMatchers.ReplaceAllString(s, "")
	s = promGrouping.ReplaceAllString(s, "")
	var out []string
	for _, m := range promIdent.FindAllStringSubmatch(s, -1) {
		if m[1] != "" || promKeywords[strings.ToLower(m[0])] { // a function call, or a keyword
			continue
		}
		out = append(out, m[0])
	}
	return out
}

// unknown returns the metrics expr names that the node does not export;
// a histogram's or summary's _bucket, _sum and _count series are its own
// (the registry's descriptions carry no type: a counter, named _total, is
// taken to have none).
func unknown(expr string, names map[string]bool) (bad []string, seen int) {
	for _, m := range promMetrics(expr) {
		seen++
		if names[m] {
			continue
		}
		base := m
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			base = strings.TrimSuffix(base, suf)
		}
		if base == m || !names[base] || strings.HasSuffix(base, "_total") {
			bad = append(bad, m)
		}
	}
	return bad, seen
}

// The checker itself catches a misspelt metric, a label taken for a
// metric, and a suffix on a metric that has none.
func TestPromMetricsChecker(t *testing.T) {
	names := map[string]bool{"switchboard_outbound_sends_total": true, "switchboard_webhook_ack_seconds": true}
	for expr, wantBad := range map[string]string{
		`sum by (channel) (rate(switchboard_outbound_sends_total{instance=~"$instance", result="retry"}[$__rate_interval]))`: "",
		`histogram_quantile(0.99, sum by (le) (rate(switchboard_webhook_ack_seconds_bucket[5m]))) > 0.5 and on() vector(1)`:  "",
		`rate(switchboard_outbound_send_total[5m])`:        "switchboard_outbound_send_total",
		`sum(switchboard_outbound_sends_total) / channel`:  "channel",
		`rate(switchboard_outbound_sends_total_count[5m])`: "switchboard_outbound_sends_total_count",
		`label_values(switchboard_nope, instance)`:         "switchboard_nope",
	} {
		bad, _ := unknown(expr, names)
		if got := strings.Join(bad, ","); got != wantBad {
			t.Errorf("unknown(%q) = %q, want %q", expr, got, wantBad)
		}
	}
}

type dashPanel struct {
	Type, Title string
	Datasource  *struct{ UID string }
	Targets     []struct{ Expr string }
	Panels      []dashPanel
}

// docs/grafana-dashboard.json reads only metrics a node exports, from the
// ${datasource} variable, filtered by $instance.
func TestGrafanaDashboardMetricsExist(t *testing.T) {
	names := nodeMetrics(t)
	raw, err := os.ReadFile("grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		SchemaVersion int
		Templating    struct {
			List []struct {
				Name, Type string
				Query      json.RawMessage
			}
		}
		Panels []dashPanel
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	if dash.SchemaVersion < 36 {
		t.Errorf("schemaVersion %d: Grafana 9+ expected", dash.SchemaVersion)
	}
	vars := map[string]string{}
	for _, v := range dash.Templating.List {
		vars[v.Name] = v.Type
		if v.Type == "query" {
			var q struct{ Query string }
			if json.Unmarshal(v.Query, &q) != nil {
				_ = json.Unmarshal(v.Query, &q.Query) // the older plain-string form
			}
			if bad, seen := unknown(q.Query, names); len(bad) > 0 || seen == 0 {
				t.Errorf("variable %s: query %q names unknown metrics %v", v.Name, q.Query, bad)
			}
		}
	}
	if vars["datasource"] != "datasource" || vars["instance"] != "query" {
		t.Errorf("variables %v: want a datasource variable and an instance query variable", vars)
	}
	var exprs int
	var walk func([]dashPanel)
	walk = func(ps []dashPanel) {
		for _, p := range ps {
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q: datasource is not ${datasource}", p.Title)
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, tg := range p.Targets {
				exprs++
				bad, seen := unknown(tg.Expr, names)
				if len(bad) > 0 || seen == 0 {
					t.Errorf("panel %q: %q names metrics the node does not export: %v", p.Title, tg.Expr, bad)
				}
				if !strings.Contains(tg.Expr, `instance=~"$instance"`) {
					t.Errorf("panel %q: %q is not filtered by $instance", p.Title, tg.Expr)
				}
			}
		}
	}
	walk(dash.Panels)
	if exprs < 20 {
		t.Errorf("only %d queries found: is the dashboard's layout read right?", exprs)
	}
}

// docs/alerts.yml: every rule has a one-line expr reading only metrics a
// node exports.
func TestAlertRulesMetricsExist(t *testing.T) {
	names := nodeMetrics(t)
	raw, err := os.ReadFile("alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var alerts, exprs int
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "- alert:") {
			alerts++
		}
		expr, ok := strings.CutPrefix(line, "expr:")
		if !ok {
			continue
		}
		exprs++
		expr = strings.TrimSpace(expr)
		if expr == "" || expr == "|" || expr == ">" {
			t.Errorf("keep each expr on one line (the test reads them line by line): %q", line)
			continue
		}
		if bad, seen := unknown(expr, names); len(bad) > 0 || seen == 0 {
			t.Errorf("%q names metrics the node does not export: %v", expr, bad)
		}
	}
	if alerts < 4 || alerts != exprs {
		t.Errorf("%d alerts, %d exprs: want at least 4 rules, each with an expr", alerts, exprs)
	}
}
