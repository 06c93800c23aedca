package workflow

import "fmt"

func init() { register("jump_to", func() stepImpl { return &jumpTo{} }) }

// jumpTo goes back (or forward) to another step, at most MaxJumps times
// per run; after that it takes its next exit (or ends the run).
type jumpTo struct {
	Step     string `json:"step" ref:"step"`
	MaxJumps int    `json:"max_jumps,omitempty"` // default 3
}

func (s *jumpTo) max() int {
	if s.MaxJumps == 0 {
		return 3
	}
	return s.MaxJumps
}

func (s *jumpTo) check(c *checker) {
	if s.Step == "" {
		c.add("settings.step", "is required")
	}
	if s.MaxJumps < 0 || s.MaxJumps > MaxJumps {
		c.add("settings.max_jumps", "must be between 1 and %d", MaxJumps)
	}
}

func (s *jumpTo) exits() []string { return []string{"next"} }

func (s *jumpTo) exec(x *execution) (result, error) {
	if x.run.Data.Jumps == nil {
		x.run.Data.Jumps = map[string]int{}
	}
	n := x.run.Data.Jumps[x.step.ID]
	if n >= s.max() {
		return next(fmt.Sprintf("jumped %d times already: limit reached", n)), nil
	}
	x.run.Data.Jumps[x.step.ID] = n + 1
	return result{jump: s.Step, outcome: fmt.Sprintf("jump %d of %d to %s", n+1, s.max(), s.Step)}, nil
}
