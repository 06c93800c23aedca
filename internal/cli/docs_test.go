package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// docFlag is a row of a flag table of docs/configuration.md.
type docFlag struct{ variable, def string }

// configurationDoc reads the flag tables of docs/configuration.md: every
// row whose first cell names flags (a row may name two, with their two
// variables). The default is the cell's first `code`, or "" when the
// cell says empty or off.
func configurationDoc(t *testing.T) map[string]docFlag {
	t.Helper()
	raw, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile("`([^`]*)`")
	out := map[string]docFlag{}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			t.Fatalf("docs/configuration.md: a flag row without its cells: %q", line)
		}
		flags, vars := code.FindAllStringSubmatch(cells[1], -1), code.FindAllStringSubmatch(cells[2], -1)
		if len(flags) != len(vars) {
			t.Fatalf("docs/configuration.md: %d flags and %d variables in %q", len(flags), len(vars), line)
		}
		def := strings.TrimSpace(cells[3])
		switch m := code.FindStringSubmatch(def); {
		case strings.HasPrefix(def, "empty"), strings.HasPrefix(def, "off"):
			def = ""
		case m != nil:
			def = m[1]
		}
		for i, f := range flags {
			v, _, _ := strings.Cut(vars[i][1], "=") // SWITCHBOARD_DEMO=1
			out[strings.TrimPrefix(f[1], "--")] = docFlag{variable: v, def: def}
		}
	}
	return out
}

// serveHelp reads `serve -h`: each flag's variable and default (""
// when the help shows none, its zero value).
func serveHelp(t *testing.T) map[string]docFlag {
	t.Helper()
	code, _, stderr := run(t, "serve", "-h")
	if code != 0 {
		t.Fatalf("serve -h: code %d", code)
	}
	head := regexp.MustCompile(`^  -([a-z0-9-]+)`)
	variable := regexp.MustCompile(`\((SWITCHBOARD_[A-Z0-9_]+)\)`)
	def := regexp.MustCompile(`\(default "?([^"]*?)"?\)$`)
	out := map[string]docFlag{}
	name := ""
	for _, line := range strings.Split(stderr, "\n") {
		if m := head.FindStringSubmatch(line); m != nil {
			name = m[1]
			out[name] = docFlag{}
			continue
		}
		if name == "" {
			continue
		}
		f := out[name]
		if m := variable.FindStringSubmatch(line); m != nil {
			f.variable = m[1]
		}
		if m := def.FindStringSubmatch(line); m != nil {
			f.def = m[1]
		}
		out[name] = f
	}
	return out
}

// sameDefault compares a documented default with the help's: "5m" is
// 5m0s, and a zero value (0, false) is what the help leaves out.
func sameDefault(doc, help string) bool {
	if doc == help {
		return true
	}
	if help == "" {
		return doc == "0" || doc == "false"
	}
	d, err1 := time.ParseDuration(doc)
	h, err2 := time.ParseDuration(help)
	return err1 == nil && err2 == nil && d == h
}

// Every flag serve reads is in docs/configuration.md with its variable
// and default, and every flag documented there is one serve reads.
func TestConfigurationDocMatchesServeFlags(t *testing.T) {
	doc, help := configurationDoc(t), serveHelp(t)
	if len(help) < 30 {
		t.Fatalf("serve -h listed %d flags: the parser no longer reads it", len(help))
	}
	for name, h := range help {
		d, ok := doc[name]
		switch {
		case !ok:
			t.Errorf("--%s: serve reads it, docs/configuration.md does not list it", name)
		case d.variable != h.variable:
			t.Errorf("--%s: documented variable %s, serve reads %s", name, d.variable, h.variable)
		case !sameDefault(d.def, h.def):
			t.Errorf("--%s: documented default %q, serve's is %q", name, d.def, h.def)
		}
	}
	for name := range doc {
		if _, ok := help[name]; !ok {
			t.Errorf("--%s: documented in docs/configuration.md, serve has no such flag", name)
		}
	}
}
