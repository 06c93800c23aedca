package workflow

import (
	"fmt"
	"time"
)

func init() { register("wait", func() stepImpl { return &wait{} }) }

// wait pauses the run for a duration of up to 7 days. The run holds no
// goroutine meanwhile: it is a row with a wake time.
type wait struct {
	Seconds int `json:"seconds"`
}

func (s *wait) check(c *checker) {
	if s.Seconds <= 0 || s.Seconds > MaxWait {
		c.add("settings.seconds", "must be between 1 and %d (7 days)", MaxWait)
	}
}

func (s *wait) exits() []string { return []string{"next"} }

func (s *wait) exec(x *execution) (result, error) {
	if x.timedOut {
		return next(fmt.Sprintf("waited %d s", s.Seconds)), nil
	}
	until := x.now.Add(time.Duration(s.Seconds) * time.Second)
	return result{wait: StatusWaitingTimer, wakeAt: until, outcome: "waiting until " + until.UTC().Format(time.RFC3339)}, nil
}
