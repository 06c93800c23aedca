package contact

import (
	"math"
	"strconv"
	"testing"
)

// numberCases are how people write numbers, and what an answer of type
// number, or a number field's value given as text, reads them as (see ParseNumber and docs/workflows.md). "1,000"
// read as 1: the comma was always taken for a decimal point.
var numberCases = []struct {
	in   string
	want float64
	ok   bool
}{
	{"42", 42, true},
	{"-7", -7, true},
	{"+3.5", 3.5, true},
	{"1.5", 1.5, true},
	{"1,5", 1.5, true},
	{"0,5", 0.5, true},
	{",5", 0.5, true},
	{".5", 0.5, true},
	{"5,", 5, true},
	// A comma then exactly three digits, after one to three digits that
	// do not start with 0: thousands.
	{"1,000", 1000, true},
	{"-1,000", -1000, true},
	{"999,999", 999999, true},
	{"0,500", 0.5, true},         // a leading 0 is never grouped
	{"1234,567", 1234.567, true}, // four digits before: no group of thousands
	{"1,0000", 1, true},
	{"1,50", 1.5, true},
	// Several of one separator: groups of thousands, or nothing.
	{"1,000,000", 1e6, true},
	{"1.000.000", 1e6, true},
	{"1,000,00", 0, false},
	{"1.2.3", 0, false},
	// Both separators: the last one is the decimal one, the other groups.
	{"12,345.6", 12345.6, true},
	{"1.234,5", 1234.5, true},
	{"1,234,567.89", 1234567.89, true},
	{"1.234.567,89", 1234567.89, true},
	{"1,2.5", 0, false},
	{"1.234,5.6", 0, false},
	{"1.,5", 0, false},
	// One dot is always the decimal point, as it was.
	{"1.000", 1, true},
	{"3.14159", 3.14159, true},
	// Go's own forms, as before; what is no number stays none.
	{"1e3", 1000, true},
	{"2.5E-1", 0.25, true},
	{"", 0, false},
	{",", 0, false},
	{".", 0, false},
	{"-", 0, false},
	{"1,5e3", 0, false},
	{"abc", 0, false},
	{"1 000", 0, false},
	{"NaN", 0, false},
	{"Inf", 0, false},
	{"1e400", 0, false},
}

func TestParseNumber(t *testing.T) {
	for _, c := range numberCases {
		got, ok := ParseNumber(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzParseNumber: ParseNumber never panics and only ever reads a finite
// number; a number written as Go writes it (a shortcut's JSON number, a
// variable) reads back as itself; and adding thousands separators to a
// whole number changes nothing (commas from four digits on, dots from
// seven: one dot alone is a decimal point).
func FuzzParseNumber(f *testing.F) {
	for _, c := range numberCases {
		f.Add(c.in, 1.0)
	}
	f.Add("", 1234567.0)
	f.Fuzz(func(t *testing.T, in string, x float64) {
		if v, ok := ParseNumber(in); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("ParseNumber(%q) = %v", in, v)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		for _, s := range []string{strconv.FormatFloat(x, 'f', -1, 64), strconv.FormatFloat(x, 'g', -1, 64)} {
			if v, ok := ParseNumber(s); !ok || v != x {
				t.Fatalf("ParseNumber(%q) = %v, %v; want %v", s, v, ok, x)
			}
		}
		if n := math.Trunc(math.Abs(x)); n >= 1000 && n < 1e15 {
			digits := strconv.FormatFloat(n, 'f', -1, 64)
			for _, sep := range []string{",", "."} {
				if sep == "." && n < 1e6 {
					continue
				}
				var g []byte
				for i := range len(digits) {
					if i > 0 && (len(digits)-i)%3 == 0 {
						g = append(g, sep...)
					}
					g = append(g, digits[i])
				}
				if v, ok := ParseNumber(string(g)); !ok || v != n {
					t.Fatalf("ParseNumber(%q) = %v, %v; want %v", g, v, ok, n)
				}
			}
		}
	})
}
