package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A write transaction that stays open two seconds or more is reported
// with how long it held its rows, which phase took the time and the
// function of the job that kept it open; one that commits sooner is not.
// The job "takes" its time by advancing the wall clock, as a stall in Go
// between two statements would.
func TestSlowWritesAreReportedWithTheJobThatHeldThem(t *testing.T) {
	errJob := errors.New("the job's own failure")
	cases := []struct {
		name       string
		takes      time.Duration
		fails      bool
		concurrent bool
		reported   bool
	}{
		{name: "quick", takes: 1999 * time.Millisecond},
		{name: "slow", takes: 3 * time.Second, reported: true},
		{name: "slow and concurrent", takes: 2 * time.Second, concurrent: true, reported: true},
		{name: "slow and failing", takes: 5 * time.Second, fails: true, reported: true},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		wall := clock.NewFake(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
		d.SetWallClock(wall)
		reports := make(chan db.SlowWrite, 1)
		d.OnSlowWrite(func(s db.SlowWrite) { reports <- s })
		for _, tc := range cases {
			write := d.Write
			if tc.concurrent {
				write = d.WriteConcurrent
			}
			err := write(db.WithLabel(context.Background(), tc.name), func(tx *db.Tx) error {
				if _, err := tx.Exec(context.Background(), `INSERT INTO workspaces (name, created_at) VALUES (?, 0)`, tc.name); err != nil {
					return err
				}
				wall.Advance(tc.takes)
				if tc.fails {
					return errJob
				}
				return nil
			})
			if tc.fails != errors.Is(err, errJob) || (!tc.fails && err != nil) {
				t.Fatalf("%s: write = %v", tc.name, err)
			}
			// The report is made before the write is answered.
			select {
			case s := <-reports:
				if !tc.reported {
					t.Fatalf("%s: reported %+v", tc.name, s)
				}
				if s.Held != tc.takes || s.SlowestTook != tc.takes || s.Locking != 0 || s.Jobs != 1 || s.Shared != tc.concurrent {
					t.Errorf("%s: report %+v, want held and slowest %v, one job, shared %v", tc.name, s, tc.takes, tc.concurrent)
				}
				if s.Commit != 0 {
					t.Errorf("%s: commit took %v on a clock that did not move", tc.name, s.Commit)
				}
				if !strings.Contains(s.Slowest, "TestSlowWritesAreReportedWithTheJobThatHeldThem") || s.SlowestLabel != tc.name {
					t.Errorf("%s: slowest job %q labelled %q, want the test's closure and its case", tc.name, s.Slowest, s.SlowestLabel)
				}
			default:
				if tc.reported {
					t.Fatalf("%s: not reported", tc.name)
				}
			}
		}
	})
}
