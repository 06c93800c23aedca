package harness

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Every benchmark writes its own "## " section of docs/benchmarks.md and
// leaves the others' alone, so `make bench` can run them one after another.
// A section is replaced whole, hand-added lines included: what is measured
// by hand beside a run goes in docs/benchmarks-history.md instead.

// ReplaceSection replaces the section that starts with the heading line
// (up to the next "## " heading) or appends it, leaving the rest of the
// document — other benchmarks' sections — untouched.
func ReplaceSection(doc, heading, section string) string {
	if !strings.HasSuffix(section, "\n") {
		section += "\n"
	}
	if strings.TrimSpace(doc) == "" {
		return "# Benchmarks\n\n" + section
	}
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	for i, line := range lines {
		if strings.TrimRight(line, "\r\n") == heading && start < 0 {
			start = i
			continue
		}
		if start >= 0 && strings.HasPrefix(line, "## ") {
			end = i
			break
		}
	}
	if start < 0 {
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		return doc + "\n" + section
	}
	after := strings.Join(lines[end:], "")
	if after != "" {
		section += "\n"
	}
	return strings.Join(lines[:start], "") + section + after
}

// WriteSection replaces (or appends) the section under heading in the
// markdown file at path, creating the file if needed.
func WriteSection(path, heading, section string) error {
	doc, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, []byte(ReplaceSection(string(doc), heading, section)), 0o644)
}

// Ms formats a duration in milliseconds with one decimal, as the reports do.
func Ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// Ratio is a / b, or 0 when b is 0.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// MetOr says whether an aim was met, in bold when it was not.
func MetOr(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// OrDash is s, or an em dash for an empty table cell.
func OrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
