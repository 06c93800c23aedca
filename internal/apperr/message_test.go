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

// The code and message an API error body gives: what httpjson writes and
// a bulk answer's failures repeat.
func TestCodeAndSaidOf(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		code, said string
	}{
		{"a field's error", Invalid("category", "is required"), "invalid", "category: is required"},
		{"a code of its own, wrapped", fmt.Errorf("x: %w", WithCode(KindUnauthorized, "two_factor_required", "enter the code")),
			"two_factor_required", "enter the code"},
		{"any other error", errors.New("disk full"), "", "disk full"},
	} {
		if got := CodeOf(tc.err); got != tc.code {
			t.Errorf("%s: CodeOf = %q, want %q", tc.name, got, tc.code)
		}
		if got := SaidOf(tc.err); got != tc.said {
			t.Errorf("%s: SaidOf = %q, want %q", tc.name, got, tc.said)
		}
	}
}
