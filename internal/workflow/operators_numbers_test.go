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
