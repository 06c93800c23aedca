package widget

import (
	"encoding/base64"
	"regexp"
	"slices"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

func TestVisitorName(t *testing.T) {
	shape := regexp.MustCompile(`^Visitor [0-9A-HJKMNP-TV-Z]{6}$`)
	ch := channel.Channel{ID: 7, Token: "token"}
	for range 200 {
		v := newVisitor(ch)
		name := visitorName(v.VisitorID)
		if !shape.MatchString(name) {
			t.Fatalf("visitorName(%s) = %q, want Visitor and six of Crockford's characters", v.VisitorID, name)
		}
		if again := visitorName(v.VisitorID); again != name {
			t.Fatalf("visitorName(%s) = %q then %q: a visitor must be named alike on every message", v.VisitorID, name, again)
		}
	}
	// The name reads 30 bits of the id, and each of them changes it: two
	// visitors share a name only when those bits are alike, one chance in
	// 2^30 for two random ids. (Checked bit by bit: asking 2,000 random
	// visitors for distinct names failed one run in 540, as birthdays do.)
	base := make([]byte, 18)
	name := func(b []byte) string { return visitorName(visitorIDPrefix + base64.RawURLEncoding.EncodeToString(b)) }
	named := map[string]int{name(base): -1}
	for bit := range 30 {
		b := slices.Clone(base)
		b[3-bit/8] ^= 1 << (bit % 8) // bit of the id's first four bytes read big-endian
		n := name(b)
		if other, ok := named[n]; ok {
			t.Fatalf("ids differing in bit %d and in bit %d (-1: none) are both %q", bit, other, n)
		}
		named[n] = bit
	}
	// An id of another shape (none passes authenticate) is still named.
	if got := visitorName("not-a-visitor-id"); !shape.MatchString(got) {
		t.Fatalf("visitorName of a malformed id = %q", got)
	}
}
