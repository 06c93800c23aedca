package workflow

import "testing"

// "Nan", "Inf" and "Infinity" are texts (a first name, a product), which
// compare case-insensitively like any text: strconv.ParseFloat reads them
// as NaN and infinities, and NaN equals nothing, not even itself.
func TestCompareNaNAndInfAreText(t *testing.T) {
	for _, c := range []struct {
		v, op, value string
		want         bool
	}{
		{"Nan", "equals", "nan", true},
		{"Nan", "equals", "Nan", true},
		{"Nan", "not_equals", "Nan", false},
		{"Inf", "equals", "Infinity", false},
		{"Infinity", "equals", "infinity", true},
		{"42", "equals", "42.0", true}, // numbers still compare as numbers
	} {
		if got := compare(c.v, c.op, c.value, nil); got != c.want {
			t.Errorf("%q %s %q: %v, want %v", c.v, c.op, c.value, got, c.want)
		}
	}
	if !compare([]string{"Nan", "vip"}, "has_any_of", "", []string{"nan"}) {
		t.Errorf("tags Nan, vip: has_any_of nan is false")
	}
}

// Numbers compare exactly, not as the float64 nearest to each: two USPS
// tracking numbers (22 digits) or 17-digit order ids that differ in their
// last digit are different numbers, though float64 reads both as the same.
func TestCompareLongNumbersExactly(t *testing.T) {
	a, b := "9400111899223197428490", "9400111899223197428491"
	for _, c := range []struct {
		v, op, value string
		want         bool
	}{
		{a, "equals", b, false},
		{a, "not_equals", b, true},
		{b, "greater_than", a, true},
		{a, "less_than", b, true},
		{"12345678901234567", "equals", "12345678901234568", false},
		{"0.1000000000000000001", "equals", "0.1", false},
		{a, "equals", a, true},
		{"42", "equals", "42.0", true}, // still numbers: 42 is 42.0
		{"1e3", "equals", "1000", true},
		{"-5", "less_than", "3", true},
		{"10", "greater_than", "9", true},
	} {
		if got := compare(c.v, c.op, c.value, nil); got != c.want {
			t.Errorf("%s %s %s: %v, want %v", c.v, c.op, c.value, got, c.want)
		}
	}
	if compare(a, "between", "", []string{"9400111899223197428491", "9400111899223197428499"}) {
		t.Errorf("%s is between …491 and …499", a)
	}
}

// Numbers on either side of a comparison are read as a person writes them
// (contact.ParseNumber: the rule of Ask a Question's number answers and
// number fields), so a variable holding "1,000" is greater than 500 rather
// than a text before "500". A number and a side that is no number in that
// rule are neither greater nor less than each other; two texts compare
// case-insensitively, character by character.
func TestCompareNumbersAsPeopleWriteThem(t *testing.T) {
	for _, c := range []struct {
		v, op, value string
		values       []string
		want         bool
	}{
		// Thousands separators and decimal commas.
		{"1,000", "greater_than", "500", nil, true},
		{"1,000", "less_than", "500", nil, false},
		{"500", "less_than", "1,000", nil, true}, // the value's side too
		{"-1,000", "less_than", "-999", nil, true},
		{"1,000,000", "greater_than", "999999", nil, true},
		{"1.234,5", "greater_than", "1234", nil, true},
		{"1.234,5", "less_than", "1234.6", nil, true},
		{"1.234,5", "equals", "1234.5", nil, true},
		{"12,345.6", "equals", "12345.6", nil, true},
		{"1,5", "equals", "1.5", nil, true},
		{"1,5", "greater_than", "1,25", nil, true},
		{"12,345.6", "between", "", []string{"12,000", "13000"}, true},
		{" 1,000 ", "equals", "1000", nil, true},                                            // spaces around are trimmed
		{"9,400,111,899,223,197,428,490", "less_than", "9400111899223197428491", nil, true}, // still exact
		// Plain numbers as before.
		{"42", "greater_than", "7", nil, true},
		{"3.5", "less_than", "10", nil, true},
		{"1.000", "equals", "1", nil, true}, // a single dot is a decimal point
		{"1e3", "equals", "1000", nil, true},
		// A number against no number: not ordered either way, and not
		// equal (the text order put letters after every digit).
		{"1,000,00", "greater_than", "500", nil, false}, // groups not whole
		{"1,000,00", "less_than", "500", nil, false},
		{"1 000", "greater_than", "500", nil, false}, // spaces do not group
		{"1 000", "less_than", "500", nil, false},
		{"abc", "greater_than", "500", nil, false},
		{"abc", "less_than", "500", nil, false},
		{"n/a", "less_than", "10", nil, false},
		{"n/a", "greater_than", "10", nil, false},
		{"500", "greater_than", "abc", nil, false}, // the value's side too
		{"abc", "between", "", []string{"1", "9"}, false},
		{"5", "between", "", []string{"1", "n/a"}, false},
		{"abc", "not_equals", "500", nil, true},
		// Neither a number: texts, which order times and dates.
		{"09:30", "less_than", "10:00", nil, true},
		{"2026-03-01", "less_than", "2026-12-01", nil, true},
		{"b", "between", "", []string{"A", "c"}, true},
	} {
		if got := compare(c.v, c.op, c.value, c.values); got != c.want {
			t.Errorf("%q %s %q %q: %v, want %v", c.v, c.op, c.value, c.values, got, c.want)
		}
	}
}
