package limit

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    string
		max  int
		want string // "" for accepted, else a fragment of the message
	}{
		{"empty", "", 5, ""},
		{"at the limit in characters, over it in bytes", "ééééé", 5, ""},
		{"one over", "abcdef", 5, "is 6 characters long; at most 5"},
		{"NUL", "a\x00b", 5, "NUL"},
		{"invalid UTF-8", "a\xffb", 5, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Text("first_name", tc.s, tc.max)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "first_name" || !strings.Contains(e.Message, tc.want) {
				t.Fatalf("got %v, want an invalid first_name saying %q", err, tc.want)
			}
			if apperr.KindOf(Param("search", tc.s, tc.max)) != apperr.KindBadRequest {
				t.Fatalf("Param accepted %q", tc.s)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s, want string
		cut     bool
	}{
		{"short", "short", false},
		{"exactly10!", "exactly10!", false},
		{"ééééééééééé", "ééééééé[…]", true},
	} {
		got, cut := Truncate(tc.s, 10, "[…]")
		if got != tc.want || cut != tc.cut {
			t.Errorf("Truncate(%q) = %q, %v; want %q, %v", tc.s, got, cut, tc.want, tc.cut)
		}
		if Len(got) > 10 {
			t.Errorf("Truncate(%q) is %d characters", tc.s, Len(got))
		}
	}
}

func TestCleanAndClip(t *testing.T) {
	if got := Clean("a\x00b\xffc"); got != "ab\uFFFDc" {
		t.Errorf("Clean = %q", got)
	}
	if got := Clip(strings.Repeat("é", 100), 3); got != "ééé…" {
		t.Errorf("Clip = %q", got)
	}
}

// Storable cleans text from outside and cuts it to a byte budget on a
// character boundary, marking the cut; CutBytes cuts without a mark.
func TestStorableAndCutBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"a\x00b\xffc", 10, "ab\uFFFDc"},
		{"éééé", 5, "éé…"}, // 8 bytes: cut to 4 bytes, two whole characters
		{"abcdef", 3, "abc…"},
	} {
		if got := Storable(tc.in, tc.max); got != tc.want {
			t.Errorf("Storable(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
	if got := CutBytes("éé", 3); got != "é" {
		t.Errorf("CutBytes cut inside a character: %q", got)
	}
}
