package workflow

import "testing"

// An option whose text is a number is the answer that names it, not the
// option at that position: the quick reply "3" of 3 / 6 / 12 months is 3.
func TestMultipleChoiceNumericOptions(t *testing.T) {
	q := askQuestion{Type: "multiple_choice", Options: []string{"3", "6", "12"}}
	for in, want := range map[string]string{"3": "3", "6": "6", "12": "12", "1": "3", "2": "6"} {
		got, problem := parseAnswer(&q, in)
		if problem != "" || got != want {
			t.Errorf("answer %q: %v (%q), want %q", in, got, problem, want)
		}
	}
}
