package widget

import (
	"regexp"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

func TestVisitorName(t *testing.T) {
	shape := regexp.MustCompile(`^Visitor [0-9A-HJKMNP-TV-Z]{6}$`)
	ch := channel.Channel{ID: 7, Token: "token"}
	seen := map[string]string{}
	for range 2000 {
		v := newVisitor(ch)
		name := visitorName(v.VisitorID)
		if !shape.MatchString(name) {
			t.Fatalf("visitorName(%s) = %q, want Visitor and six of Crockford's characters", v.VisitorID, name)
		}
		if again := visitorName(v.VisitorID); again != name {
			t.Fatalf("visitorName(%s) = %q then %q: a visitor must be named alike on every message", v.VisitorID, name, again)
		}
		if other, ok := seen[name]; ok {
			t.Fatalf("%s and %s are both %q: 2,000 visitors should not share a name (30 bits)", other, v.VisitorID, name)
		}
		seen[name] = v.VisitorID
	}
	// An id of another shape (none passes authenticate) is still named.
	if got := visitorName("not-a-visitor-id"); !shape.MatchString(got) {
		t.Fatalf("visitorName of a malformed id = %q", got)
	}
}
