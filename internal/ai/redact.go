package ai

import (
	"regexp"
	"strings"
)

// emailLabel is one label of a domain: letters (any script) and digits,
// hyphens inside.
const emailLabel = `[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?`

// What redaction puts in place of what it removes.
const (
	RedactedEmail = "[email]"
	RedactedPhone = "[phone]"
	RedactedCard  = "[card]"
)

var (
	// emailPattern finds an address as people write them: its local part
	// of RFC 5322's characters, letters of any script among them (zoë@,
	// o'brien@), and a domain of two labels or more in any script,
	// punycode included (магазин.рф, shop.xn--p1ai). ASCII-only, it let
	// such addresses through, whole or in part.
	emailPattern = regexp.MustCompile(`[\p{L}\p{M}\p{N}!#$%&'*+/=?^_\x60{|}~.\-]+@` + emailLabel + `(?:\.` + emailLabel + `)+`)
	// cardPattern finds 13 to 19 digits in groups separated by single
	// spaces or dashes; Luhn decides whether it is a card number.
	cardPattern = regexp.MustCompile(`\b\d(?:[ \-]?\d){12,18}\b`)
	// phonePattern finds an optional +, then digits with spaces, dots,
	// dashes or parentheses between them; a phone number has 7 to 15
	// digits and is not a date.
	phonePattern = regexp.MustCompile(`(?:\+|\b00)?\(?\d(?:[ .\-()]{0,2}\d)*`)
	datePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$|^\d{2}[./-]\d{2}[./-]\d{4}$`)
)

// Redact masks email addresses, card numbers (digits that pass the Luhn
// check) and phone numbers in s.
func Redact(s string) string {
	s = cardPattern.ReplaceAllStringFunc(s, func(m string) string {
		if luhn(m) {
			return RedactedCard
		}
		return m
	})
	s = emailPattern.ReplaceAllString(s, RedactedEmail)
	return phonePattern.ReplaceAllStringFunc(s, func(m string) string {
		n := countDigits(m)
		if n < 7 || n > 15 || datePattern.MatchString(m) {
			return m
		}
		return RedactedPhone
	})
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// luhn reports whether the digits of s pass the Luhn check.
func luhn(s string) bool {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if len(digits) < 13 || len(digits) > 19 {
		return false
	}
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
