// Package limit holds the maximum sizes of the text the API stores and the
// checks every domain package applies to it, so that a value is refused
// alike whichever door it came through (the REST API, a workflow step, a
// channel's webhook) and on either store. Lengths count characters (Unicode
// code points), not bytes, since that is what a user types and sees.
//
// Text must also be valid UTF-8 without NUL characters: PostgreSQL refuses
// both in text columns while SQLite stores them, so letting either through
// would make the two stores answer differently (and PostgreSQL with a 500).
package limit

import (
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// The shared maxima, in characters. A domain package names its own fields'
// limits after these; docs/api.md ("Limits") lists every field.
const (
	Name      = 200    // a name: contact, user, team, workspace, channel, workflow, token, field, step
	Label     = 100    // a short label chosen from a list: tag, closing category
	Email     = 254    // an email address (RFC 5321's longest path)
	URL       = 2048   // a URL
	ShortText = 4096   // a description or a short free text
	LongText  = 10_000 // a message, a comment, a closing summary
	Search    = 200    // a search string of a list
)

// Text checks a value that will be stored: valid UTF-8, no NUL, at most max
// characters. The error is a validation error (422) naming field.
func Text(field, s string, max int) error {
	if err := chars(s); err != "" {
		return apperr.Invalid(field, "%s", err)
	}
	if n := Len(s); n > max {
		return apperr.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	return nil
}

// Param checks a filter of a read (a query parameter such as a search
// string) like Text, but as a malformed request (400): nothing is stored,
// the request itself asks for something no list can answer.
func Param(name, s string, max int) error {
	if err := chars(s); err != "" {
		return apperr.BadRequest("%s %s", name, err)
	}
	if n := Len(s); n > max {
		return apperr.BadRequest("%s is %d characters long; at most %d are allowed", name, n, max)
	}
	return nil
}

// chars says what is wrong with the characters of s, or "".
func chars(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain NUL characters"
	}
	return ""
}

// Len returns the length of s in characters.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Clip shortens s to at most n characters, for quoting a value in an error
// message: an answer never echoes a huge input whole.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// Truncate cuts s to at most max characters, ending the cut text with
// marker (whose characters count towards max), and reports whether it cut.
// It is for text a provider sends, which is kept rather than refused.
func Truncate(s string, max int, marker string) (string, bool) {
	if Len(s) <= max {
		return s, false
	}
	keep := max - Len(marker)
	if keep < 0 {
		keep = 0
	}
	i := 0
	for pos := range s {
		if i == keep {
			return s[:pos] + marker, true
		}
		i++
	}
	return s + marker, true
}

// CutBytes cuts s to at most n bytes on a character boundary.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Storable makes text from outside (a provider's error, an integrator's
// answer) safe to store, show and log: Clean, then at most maxBytes bytes,
// cut on a character boundary and marked "…" when cut.
func Storable(s string, maxBytes int) string {
	s = Clean(s)
	if len(s) <= maxBytes {
		return s
	}
	return CutBytes(s, maxBytes) + "…"
}

// Clean makes provider text storable: invalid UTF-8 sequences become
// U+FFFD and NUL characters are removed. Text from a provider is cleaned
// rather than refused, so a message is never lost to a stray byte.
func Clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
