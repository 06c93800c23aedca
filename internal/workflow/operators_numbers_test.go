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
