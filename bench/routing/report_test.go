package main

import (
	"strings"
	"testing"
)

// The routing benchmark rewrites only its own section of the shared file.
func TestReplaceSectionKeepsOthers(t *testing.T) {
	doc := "# Benchmarks\n\n## Ingest\n\ningest numbers\n\n## Routing\n\nold\n\n## Workflows\n\nw\n"
	got := replaceSection(doc, "## Routing", "## Routing\n\nnew\n")
	want := "# Benchmarks\n\n## Ingest\n\ningest numbers\n\n## Routing\n\nnew\n\n## Workflows\n\nw\n"
	if got != want {
		t.Fatalf("got %q", got)
	}
	if again := replaceSection("# Benchmarks\n\n## Ingest\n\nx\n", "## Routing", "## Routing\n\nnew\n"); !strings.HasSuffix(again, "x\n\n## Routing\n\nnew\n") || !strings.Contains(again, "## Ingest\n\nx\n") {
		t.Fatalf("append: %q", again)
	}
}
