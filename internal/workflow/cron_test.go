package workflow

import (
	"testing"
	"time"
)

func TestCronNext(t *testing.T) {
	at := func(s string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, c := range []struct{ expr, from, want string }{
		{"0 9 * * 1-5", "2026-11-27 10:00", "2026-11-30 09:00"}, // Friday after 9 → Monday
		{"*/15 * * * *", "2026-11-25 10:07", "2026-11-25 10:15"},
		{"30 8 1 * *", "2026-12-15 00:00", "2027-01-01 08:30"},
		{"0 0 * * 0", "2026-11-25 12:00", "2026-11-29 00:00"}, // Sunday
		{"0 0 * * 7", "2026-11-25 12:00", "2026-11-29 00:00"},
		{"0 12 29 2 *", "2026-03-01 00:00", "2028-02-29 12:00"},
		{"5,10 * * * *", "2026-11-25 10:05", "2026-11-25 10:10"},
	} {
		spec, err := parseCron(c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := spec.next(at(c.from)); !got.Equal(at(c.want)) {
			t.Errorf("%s after %s = %s, want %s", c.expr, c.from, got.Format("2006-01-02 15:04"), c.want)
		}
	}
	for _, bad := range []string{"* * * *", "60 * * * *", "* * 0 * *", "a * * * *", "*/0 * * * *", "5-1 * * * *"} {
		if _, err := parseCron(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// A schedule whose date never comes (the 30th of February, the 31st of
// April) is refused on save: it was published and started, and never
// fired, without a word.
func TestScheduleThatNeverFiresIsRefused(t *testing.T) {
	def := func(cron string) string {
		return `{"name": "s", "trigger": {"type": "schedule", "conditions": {"cron": "` + cron + `"}},
			"steps": [{"id": "w", "type": "wait", "settings": {"seconds": 1}}]}`
	}
	for _, c := range []struct {
		cron  string
		never bool
	}{
		{"0 0 30 2 *", true},
		{"0 9 31 4,6,9,11 *", true},
		{"0 12 29 2 *", false}, // leap years
		{"0 0 31 * *", false},
		{"0 0 30 2 1", false}, // or any Monday of February
	} {
		got := problemsOf(t, def(c.cron))
		if c.never != (len(got) == 1 && got[0] == "/trigger.conditions.cron: it names no date that exists (such as the 30th of February): it would never fire") {
			t.Errorf("%s: problems %q", c.cron, got)
		}
	}
}
