package harness

import (
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	const sec = "## Ingest\n\nnew numbers\n"
	tests := []struct{ name, doc, want string }{
		{"empty file", "", "# Benchmarks\n\n" + sec},
		{"no such section", "# Benchmarks\n\n## Workflows\n\nw\n", "# Benchmarks\n\n## Workflows\n\nw\n\n" + sec},
		{"last section", "# Benchmarks\n\n## Ingest\n\nold\n", "# Benchmarks\n\n" + sec},
		{"middle section keeps the others", "# B\n\n## Ingest\n\nold\n### Sub\nold too\n\n## Workflows\n\nw\n",
			"# B\n\n" + sec + "\n## Workflows\n\nw\n"},
		{"heading must match exactly", "# B\n\n## Ingestion\n\nx\n", "# B\n\n## Ingestion\n\nx\n\n" + sec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplaceSection(tt.doc, "## Ingest", sec)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if again := ReplaceSection(got, "## Ingest", sec); again != got {
				t.Errorf("a second replacement changed the document:\n%s", again)
			}
			if strings.Count(got, "## Ingest\n") != 1 {
				t.Errorf("want exactly one Ingest section:\n%s", got)
			}
		})
	}
}

// The routing benchmark rewrites only its own section of the shared file.
func TestReplaceSectionKeepsOthers(t *testing.T) {
	doc := "# Benchmarks\n\n## Ingest\n\ningest numbers\n\n## Routing\n\nold\n\n## Workflows\n\nw\n"
	got := ReplaceSection(doc, "## Routing", "## Routing\n\nnew\n")
	want := "# Benchmarks\n\n## Ingest\n\ningest numbers\n\n## Routing\n\nnew\n\n## Workflows\n\nw\n"
	if got != want {
		t.Fatalf("got %q", got)
	}
	if again := ReplaceSection("# Benchmarks\n\n## Ingest\n\nx\n", "## Routing", "## Routing\n\nnew\n"); !strings.HasSuffix(again, "x\n\n## Routing\n\nnew\n") || !strings.Contains(again, "## Ingest\n\nx\n") {
		t.Fatalf("append: %q", again)
	}
}
