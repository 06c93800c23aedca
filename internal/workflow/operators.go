package workflow

import (
	"math/big"
	"slices"
	"strings"
	"unicode"

	"github.com/switchboard-chat/switchboard/internal/contact"
)

// Operand shapes of the branch operators.
const (
	opNone  = iota // exists, not_exists
	opValue        // compares with value
	opList         // compares with values
	opRange        // between values[0] and values[1]
)

var operators = map[string]int{
	"equals": opValue, "not_equals": opValue, "contains": opValue, "starts_with": opValue,
	"exists": opNone, "not_exists": opNone, "greater_than": opValue, "less_than": opValue,
	"between": opRange, "has_any_of": opList, "has_all_of": opList, "has_none_of": opList,
}

// compare applies a branch operator. Text compares case-insensitively;
// when both sides are numbers (as people write them: numbers) they
// compare as numbers.
func compare(v any, op, value string, values []string) bool {
	list := asList(v)
	switch op {
	case "exists":
		return len(list) > 0
	case "not_exists":
		return len(list) == 0
	case "equals":
		return slices.ContainsFunc(list, func(s string) bool { return equal(s, value) })
	case "not_equals":
		return !slices.ContainsFunc(list, func(s string) bool { return equal(s, value) })
	case "contains":
		return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(foldCase(s), foldCase(value)) })
	case "starts_with":
		return slices.ContainsFunc(list, func(s string) bool { return strings.HasPrefix(foldCase(s), foldCase(value)) })
	case "greater_than":
		n, ok := orderOf(list, value)
		return ok && n > 0
	case "less_than":
		n, ok := orderOf(list, value)
		return ok && n < 0
	case "between":
		if len(values) != 2 {
			return false
		}
		lo, okLo := orderOf(list, values[0])
		hi, okHi := orderOf(list, values[1])
		return okLo && okHi && lo >= 0 && hi <= 0
	case "has_any_of", "has_all_of", "has_none_of":
		n := 0
		for _, want := range values {
			if slices.ContainsFunc(list, func(s string) bool { return equal(s, want) }) {
				n++
			}
		}
		switch op {
		case "has_any_of":
			return n > 0
		case "has_all_of":
			return n == len(values)
		}
		return n == 0
	}
	return false
}

// asList turns a value into the texts it holds: a list's items, or one
// text; nothing for a missing or empty value.
func asList(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, stringify(e))
		}
		return out
	}
	s := stringify(v)
	if s == "" {
		return nil
	}
	return []string{s}
}

func equal(a, b string) bool {
	if n, ok := numbers(a, b); ok {
		return n == 0
	}
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// orderOf compares a one-item value with b for greater_than, less_than
// and between: numerically when both are numbers, as text when neither is
// (which orders HH:MM times and YYYY-MM-DD dates correctly). A number and
// a text are not ordered (false): "abc" or "n/a" is neither greater nor
// less than 500, where the text order put letters after every digit, and
// a broken number such as "1,000,00" before 500. A list (tags) or nothing
// is not ordered either.
func orderOf(list []string, b string) (int, bool) {
	if len(list) != 1 {
		return 0, false
	}
	a := list[0]
	if n, ok := numbers(a, b); ok {
		return n, true
	}
	if isNumber(a) || isNumber(b) {
		return 0, false
	}
	return strings.Compare(foldCase(a), foldCase(b)), true
}

// isNumber says whether s is a number as numbers reads one.
func isNumber(s string) bool {
	_, _, ok := contact.PlainNumber(strings.TrimSpace(s))
	return ok
}

// foldCase is the text as contains, starts_with and the text order
// compare it: each letter through its upper case to its lower case, so
// they fold what equals (strings.EqualFold) does. strings.ToLower alone
// keeps the variants of a letter apart: Greek's final sigma ς stays ς
// while Σ becomes σ (so "ΝΙΚΟΣ" equalled "Νικος" but did not start with
// it), and the long s ſ stays ſ.
func foldCase(s string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, s)
}

// numbers compares a and b as numbers, when both are numbers as a person
// writes them (contact.ParseNumber, the rule of Ask a Question's number
// answers and number fields: "1,000" is 1000, "1.234,5" is 1234.5), so a
// variable holding "1,000" is greater than 500 rather than a text before
// "500". ParseFloat alone read neither, and also reads "NaN", "Inf" and
// "Infinity", which are texts here (the first name Nan, a product; NaN
// would equal nothing, not even itself): ParseNumber refuses those.
//
// Two numbers the nearest float64 makes equal are compared exactly: past
// 2^53 float64 has no room for every digit, so two 22-digit tracking
// numbers, or 17-digit order ids, that differ in their last digit read as
// the same number. Different float64s are ordered as their texts are
// (rounding to the nearest keeps the order), so only that case needs it.
func numbers(a, b string) (int, bool) {
	pa, fa, okA := contact.PlainNumber(strings.TrimSpace(a))
	pb, fb, okB := contact.PlainNumber(strings.TrimSpace(b))
	if !okA || !okB {
		return 0, false
	}
	if fa != fb {
		if fa < fb {
			return -1, true
		}
		return 1, true
	}
	// The plain forms are ParseFloat's syntax (decimal, or hexadecimal
	// with a p exponent), big.Float's with base 0; 1024 bits hold some 300
	// digits.
	xa, _, errA := big.ParseFloat(pa, 0, 1024, big.ToNearestEven)
	xb, _, errB := big.ParseFloat(pb, 0, 1024, big.ToNearestEven)
	if errA != nil || errB != nil {
		return 0, true
	}
	return xa.Cmp(xb), true
}
