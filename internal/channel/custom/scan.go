package custom

import (
	"bytes"
	"encoding/json"
	"iter"
)

// A trusted scanner for JSON that is already known to be valid.
//
// Parse checks the whole body once with encoding/json. Every object,
// array and string it then reads is a slice of that body, so splitting one
// needs no second check, and decoding it again with json.Unmarshal (which
// validates its input before decoding it) scanned the bytes about eight
// times. These functions only find where values begin and end. Given
// anything but valid JSON they return nonsense or panic: never call them
// on bytes that did not come out of a validated body.

// members yields the key and raw value of each member of obj, a valid JSON
// object without surrounding whitespace, in the order written. The key is unescaped as encoding/json
// would; the value has no surrounding whitespace. A repeated key is
// yielded each time (encoding/json keeps the last).
func members(obj []byte) iter.Seq2[[]byte, json.RawMessage] {
	return func(yield func([]byte, json.RawMessage) bool) {
		for i := skipSpace(obj, 1); obj[i] != '}'; {
			end := skipString(obj, i)
			key := obj[i+1 : end-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				key = []byte(unquote(obj[i:end]))
			}
			i = skipSpace(obj, skipSpace(obj, end)+1) // past the colon
			end = skipValue(obj, i)
			if !yield(key, obj[i:end]) {
				return
			}
			if i = skipSpace(obj, end); obj[i] == ',' {
				i = skipSpace(obj, i+1)
			}
		}
	}
}

// elements yields each element of arr, a valid JSON array without
// surrounding whitespace, in order, each without surrounding whitespace.
func elements(arr []byte) iter.Seq[json.RawMessage] {
	return func(yield func(json.RawMessage) bool) {
		for i := skipSpace(arr, 1); arr[i] != ']'; {
			end := skipValue(arr, i)
			if !yield(arr[i:end]) {
				return
			}
			if i = skipSpace(arr, end); arr[i] == ',' {
				i = skipSpace(arr, i+1)
			}
		}
	}
}

// unquote returns the string that lit, a valid JSON string literal,
// stands for. Without a backslash that is the bytes between the quotes:
// they are valid UTF-8 (Parse checked the body) and hold no control
// characters (JSON forbids them). Escapes are left to encoding/json, which
// also turns a lone surrogate such as \ud800 into U+FFFD.
func unquote(lit []byte) string {
	if s := lit[1 : len(lit)-1]; bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var s string
	_ = json.Unmarshal(lit, &s) // cannot fail on a valid string literal
	return s
}

// skipValue returns the index just past the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
	}
	// A number, true, false or null: it ends where a delimiter or the
	// input does.
	j := i
	for j < len(b) && !isDelimiter(b[j]) {
		j++
	}
	return j
}

// skipString returns the index just past the string literal that starts
// at b[i].
func skipString(b []byte, i int) int {
	for j := i + 1; ; {
		q := j + bytes.IndexByte(b[j:], '"')
		// The quote ends the string unless an odd number of backslashes
		// escape it.
		n := 0
		for b[q-1-n] == '\\' {
			n++
		}
		if n%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
}

// skipSpace returns the index of the first byte from b[i] on that is not
// JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDelimiter(c byte) bool { return c == ',' || c == '}' || c == ']' || isSpace(c) }
