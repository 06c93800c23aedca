package httpapi

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// docs/api.md's table of token scope areas says what scopeAreas decides:
// every prefix in the area the code gives it, and no other. The table had
// drifted into three half-copies before this test.
func TestScopeAreasTableInTheDocs(t *testing.T) {
	raw, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "| Area | Path prefixes")
	if start < 0 {
		t.Fatal("docs/api.md has no table of scope areas")
	}
	table, _, _ := strings.Cut(doc[start:], "\n\n")
	areaOf := map[string]string{"contacts": workspace.ScopeContacts, "conversations": workspace.ScopeConversations,
		"workflows": workspace.ScopeWorkflows, "the caller's own": areaSelf, "set-up": areaAdmin}
	prefix := regexp.MustCompile("`([^`]+)`")
	documented := map[string]string{}
	for _, row := range strings.Split(table, "\n")[2:] {
		cells := strings.Split(row, "|")
		if len(cells) < 4 {
			t.Fatalf("docs/api.md: a row of the scope areas table is not two cells: %q", row)
		}
		name := strings.TrimSpace(cells[1])
		var area string
		for label, a := range areaOf {
			if strings.HasPrefix(name, label) {
				area = a
			}
		}
		if area == "" {
			t.Fatalf("docs/api.md: unknown area %q in the scope areas table", name)
		}
		for _, m := range prefix.FindAllStringSubmatch(cells[2], -1) {
			p := "/api/v1/" + m[1]
			if prev, dup := documented[p]; dup {
				t.Errorf("docs/api.md lists %s twice (%s, %s)", p, prev, area)
			}
			documented[p] = area
		}
	}
	for _, p := range slices.Sorted(maps.Keys(scopeAreas)) {
		if got, ok := documented[p]; !ok || got != scopeAreas[p] {
			t.Errorf("%s: the code's area is %q, docs/api.md says %q", p, scopeAreas[p], got)
		}
	}
	for p := range documented {
		if _, ok := scopeAreas[p]; !ok {
			t.Errorf("docs/api.md lists %s, which has no area in scopeAreas", p)
		}
	}
}
