package httpjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// closeInput stands for an API request type.
type closeInput struct {
	Category string `json:"category"`
	Summary  string `json:"summary"`
	Options  []struct {
		Label string `json:"label"`
	} `json:"options"`
	Fields map[string]any `json:"fields"`
}

// TestDecodeBytesRefuses checks what an API body may not hold: each is a
// 400 whose message (or field) says where the problem is.
func TestDecodeBytesRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		field      string // the error's field, if any
		message    string // a fragment of its message
	}{
		{"a misspelt field", `{"category":"Sales","sumary":"called back"}`, "", `unknown field "sumary"`},
		{"a misspelt nested field", `{"options":[{"lable":"x"}]}`, "", `unknown field "lable"`},
		{"NUL in a value", `{"summary":"a\u0000b"}`, "summary", "NUL"},
		{"NUL in an array element", `{"options":[{"label":"ok"},{"label":"\u0000"}]}`, "options[1].label", "NUL"},
		{"NUL in a free-form map", `{"fields":{"note":["x","y\u0000"]}}`, "fields.note[1]", "NUL"},
		{"NUL in a member name", `{"fields":{"a\u0000":1}}`, `fields."a\x00"`, "NUL"},
		{"NUL at the top", `"\u0000"`, "", "the body holds a NUL"},
		{"invalid UTF-8", "{\"summary\":\"caf\xe9\"}", "", "not valid UTF-8 (at byte 15)"},
		{"a raw NUL byte", "{\"summary\":\"a\x00\"}", "", "malformed JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v closeInput
			err := DecodeBytes([]byte(tc.body), &v)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.KindBadRequest {
				t.Fatalf("got %v, want a bad request", err)
			}
			if e.Field != tc.field || !strings.Contains(e.Message, tc.message) {
				t.Fatalf("got field %q message %q; want field %q and %q", e.Field, e.Message, tc.field, tc.message)
			}
		})
	}
}

// TestDecodeBytesAccepts checks that the checks do not refuse what is
// fine: an escaped backslash before "u0000" is no NUL, and other control
// characters are text like any other.
func TestDecodeBytesAccepts(t *testing.T) {
	var v closeInput
	body := `{"category":"Sales","summary":"C:\\u0000 and a tab\t\u0001 done","fields":{"k":null}}`
	if err := DecodeBytes([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if v.Summary != "C:\\u0000 and a tab\t\x01 done" {
		t.Fatalf("summary = %q", v.Summary)
	}
}
