package contact

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/limit"
)

func TestDisplayName(t *testing.T) {
	long := strings.Repeat("é", MaxNameLen+5)
	cut := strings.Repeat("é", MaxNameLen-1) + "…"
	for _, tc := range []struct {
		name, first, last string
	}{
		{"", "", ""},
		{"   ", "", ""},
		{"Ada", "Ada", ""},
		{"  Ada   Lovelace ", "Ada", "Lovelace"},
		{"Guido van Rossum", "Guido", "van Rossum"},
		{"Ada\x00 Love\xfflace", "Ada", "Love\uFFFDlace"},
		{long, cut, ""},
		{"Ada " + long, "Ada", cut},
	} {
		first, last := DisplayName(tc.name)
		if got := deref(first); got != tc.first {
			t.Errorf("DisplayName(%q) first = %q, want %q", tc.name, got, tc.first)
		}
		if got := deref(last); got != tc.last {
			t.Errorf("DisplayName(%q) last = %q, want %q", tc.name, got, tc.last)
		}
		for _, p := range []*string{first, last} {
			if p != nil && (*p == "" || limit.Len(*p) > MaxNameLen) {
				t.Errorf("DisplayName(%q) gave %q: empty or over %d characters", tc.name, *p, MaxNameLen)
			}
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
