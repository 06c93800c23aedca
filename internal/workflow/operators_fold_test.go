package workflow

import "testing"

// contains, starts_with and the text order fold case as equals does
// (strings.EqualFold): Greek's final sigma ς is the lower case of Σ as
// σ is, so "ΝΙΚΟΣ" equals "Νικος" and must also start with it and
// contain it; strings.ToLower turned Σ into σ only, and they did not.
func TestCompareFoldsCaseAsEqualsDoes(t *testing.T) {
	for _, c := range []struct {
		v, op, value string
		want         bool
	}{
		{"ΝΙΚΟΣ", "equals", "Νικος", true},
		{"ΝΙΚΟΣ ΠΑΠΑΣ", "starts_with", "νικος", true},
		{"ΟΔΥΣΣΕΥΣ", "contains", "δυσσευς", true},
		{"Οδυσσευς", "contains", "ΣΕΥΣ", true},
		{"ſtraße", "starts_with", "ST", true}, // the long s is an s
		{"hello world", "contains", "WORLD", true},
		{"hello", "starts_with", "lo", false},
		{"ΝΙΚΟΣ", "greater_than", "νικος", false}, // the same text, folded
		{"ΝΙΚΟΣ", "less_than", "νικος", false},
		{"b", "greater_than", "A", true},
	} {
		if got := compare(c.v, c.op, c.value, nil); got != c.want {
			t.Errorf("%q %s %q: %v, want %v", c.v, c.op, c.value, got, c.want)
		}
	}
}
