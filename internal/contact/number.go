package contact

import (
	"math"
	"strconv"
	"strings"
)

// ParseNumber reads a number as a person writes it, with a decimal comma
// or point and thousands separators (docs/workflows.md, Ask a Question;
// a number field's value given as text, docs/api.md):
//
//   - with both a comma and a dot, the last one is the decimal separator
//     and the other groups thousands: "12,345.6", "1.234,5";
//   - one kind used more than once groups thousands: "1,000,000",
//     "1.000.000";
//   - one comma followed by exactly three digits, after one to three
//     digits that do not start with 0, groups thousands: "1,000" is 1000;
//     any other single comma is a decimal comma: "1,5", "0,500",
//     "1234,567";
//   - one dot is always a decimal point: "1.000" is 1 (as it always was,
//     and as code and most of the world write it).
//
// Groups of thousands must be whole ("1,000,00" is no number). Other
// texts are read as Go reads a number ("1e3"); nothing that is not finite
// is a number.
func ParseNumber(text string) (float64, bool) {
	_, f, ok := PlainNumber(text)
	return f, ok
}

// PlainNumber is ParseNumber that also returns the number as Go writes it
// ("1,000" → "1000", "1.234,5" → "1234.5"): the exact digits, for a
// comparison past what a float64 holds (math/big reads that text).
func PlainNumber(text string) (plain string, f float64, ok bool) {
	sign, body := "", text
	if body != "" && (body[0] == '+' || body[0] == '-') {
		sign, body = body[:1], body[1:]
	}
	plain, ok = ungroup(body)
	if !ok {
		return "", 0, false
	}
	plain = sign + plain
	f, err := strconv.ParseFloat(plain, 64)
	// ParseFloat also reads "NaN" and "Inf": no number a contact means,
	// and one the run's data (JSON) cannot hold.
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", 0, false
	}
	return plain, f, true
}

// ungroup returns body (a number without its sign) with its thousands
// separators dropped and its decimal separator a point, or false when
// its separators are not one of ParseNumber's forms. A body with other
// characters than digits, commas and dots is left to ParseFloat, unless
// it has a comma (Go's numbers have none).
func ungroup(body string) (string, bool) {
	digits := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' || c == '.':
		default:
			return body, !strings.Contains(body, ",")
		}
	}
	if digits == 0 {
		return "", false
	}
	comma, dot := strings.LastIndexByte(body, ','), strings.LastIndexByte(body, '.')
	commas, dots := strings.Count(body, ","), strings.Count(body, ".")
	switch {
	case commas > 0 && dots > 0:
		dec, group := max(comma, dot), byte(',')
		if dec == comma {
			group = '.'
		}
		whole, frac := body[:dec], body[dec+1:]
		if strings.ContainsAny(frac, ",.") || !grouped(whole, group) {
			return "", false
		}
		return strings.ReplaceAll(whole, string(group), "") + "." + frac, true
	case commas > 1:
		return strings.ReplaceAll(body, ",", ""), grouped(body, ',')
	case dots > 1:
		return strings.ReplaceAll(body, ".", ""), grouped(body, '.')
	case commas == 1:
		if grouped(body, ',') {
			return strings.Replace(body, ",", "", 1), true
		}
		return strings.Replace(body, ",", ".", 1), true
	}
	return body, true
}

// grouped reports whether s is digits in groups of thousands joined by
// sep: one to three digits, not starting with 0, then groups of three.
func grouped(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts) < 2 || len(parts[0]) < 1 || len(parts[0]) > 3 || parts[0][0] == '0' {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}
