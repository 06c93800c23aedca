package httpjson

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// unknownFieldPrefix starts encoding/json's error for a member that the
// target type does not have (with DisallowUnknownFields).
const unknownFieldPrefix = "json: unknown field "

// nulAt reports whether a string of the JSON body holds a NUL character
// (written \u0000: a raw NUL byte is malformed JSON) and where, as a path
// like "fields.note" or "options[2]" ("" for the top-level value). A NUL
// in a member's name is reported at that member's path.
func nulAt(body []byte) (string, bool) {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return "", false // the fast path: nearly every body
	}
	// One frame per open object or array: where the walk stands in it.
	type frame struct {
		object  bool
		wantKey bool   // in an object: the next string is a member name
		key     string // in an object: the member being read
		index   int    // in an array: the element being read
	}
	var stack []frame
	path := func(withKey string) string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.object && !f.wantKey:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			case !f.object:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		if withKey != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(withKey)
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // malformed JSON is reported by the decoding itself
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				if strings.IndexByte(t, 0) >= 0 {
					return path(strconv.Quote(t)), true
				}
				stack[n-1].key, stack[n-1].wantKey = t, false
				continue
			}
			if strings.IndexByte(t, 0) >= 0 {
				return path(""), true
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// invalidAt returns the offset of the first byte of body that is not
// valid UTF-8.
func invalidAt(body []byte) int {
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(body)
}
