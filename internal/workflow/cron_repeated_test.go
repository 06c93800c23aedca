package workflow

import (
	"testing"
	"time"
)

// A schedule at a fixed time in the hour the clocks repeat (autumn) fires
// once that night, as cron does, not once in each pass of the hour; an
// hourly one still fires in both passes (they are an hour apart).
func TestCronRepeatedHourFiresOnce(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	// 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
	first := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC) // 02:30 CEST
	if got := first.In(paris).Format("15:04 MST"); got != "02:30 CEST" {
		t.Fatalf("setup: %s", got)
	}
	daily, _ := parseCron("30 2 * * *")
	if got := daily.next(first.In(paris)); !got.Equal(time.Date(2026, 10, 26, 2, 30, 0, 0, paris)) {
		t.Errorf("30 2 * * * after 02:30 CEST: %s, want 2026-10-26 02:30 CET", got.Format("2006-01-02 15:04 MST"))
	}
	hourly, _ := parseCron("30 * * * *")
	if got := hourly.next(first.In(paris)); !got.Equal(first.Add(time.Hour)) {
		t.Errorf("30 * * * * after 02:30 CEST: %s, want 02:30 CET", got.Format("2006-01-02 15:04 MST"))
	}
}
