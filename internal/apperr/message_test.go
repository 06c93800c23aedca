package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestMessageOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"a domain error: its message, not its field", Invalid("email", "is not an email address"), "is not an email address"},
		{"wrapped", fmt.Errorf("import: %w", Conflict("phone %s is taken", "+15550100")), "phone +15550100 is taken"},
		{"its cause is not shown", &Error{Kind: KindUpstream, Message: "the provider refused", Err: errors.New("dial tcp 10.0.0.7:443")},
			"the provider refused"},
		{"any other error: its text", errors.New("disk full"), "disk full"},
	} {
		if got := MessageOf(tc.err); got != tc.want {
			t.Errorf("%s: MessageOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}
