package workflow

import (
	"context"
	"encoding/json"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// stepImpl is a step type: its settings (decoded into the value itself),
// their validation, its exits and what it does. Each type lives in its own
// step_<type>.go.
type stepImpl interface {
	check(c *checker)
	exits() []string
	exec(x *execution) (result, error)
}

// outsider is a step with an effect outside the database (an HTTP call, a
// classifier's answer). outside runs
// before the step's transaction; its value reaches exec in x.outside.
type outsider interface {
	outside(ctx context.Context, x *execution) (any, error)
}

// boundedOutsider is an outsider whose effect has a deadline of its own
// (an HTTP Request's timeout): the run's claim is made to outlast it as
// the effect starts (see Engine.markPending).
type boundedOutsider interface {
	outsideBound() time.Duration
}

// stepKinds maps a step type to a constructor of its settings value.
var stepKinds = map[string]func() stepImpl{}

func register(name string, fn func() stepImpl) { stepKinds[name] = fn }

// execution is what a step sees while it runs: the transaction its writes
// go into, the run (whose data it may change), and why it runs now.
type execution struct {
	ctx  context.Context
	tx   *db.Tx // nil in outside
	e    *Engine
	run  *Run
	def  *Definition
	step *Step
	now  time.Time
	// input is what resumed a waiting run (an answer, an assignment);
	// timedOut says the run's wake time came first.
	input    json.RawMessage
	timedOut bool
	resumed  bool // the run was waiting at this step
	// replay says a previous attempt may already have had the outside effect.
	replay  bool
	outside any
	vars    *scope
	// logged is the step's input as the history records it.
	logged map[string]any
	// lines are the chain's queued writes, whose timeline events a send
	// takes along (see send); nil outside a chain.
	lines *stepLines
}

// result is what a step decided.
type result struct {
	exit    string    // the exit to follow ("" with no wait: end of path)
	wait    string    // a waiting status, or "" to go on
	wakeAt  time.Time // for a wait: when it times out (zero: never)
	outcome string    // one line for the history
	output  map[string]any
	end     bool   // end the run even if the exit has a target
	jump    string // go to this step instead of an exit's target (Jump To)
}

// text renders a template for the step, noting missing variables.
func (x *execution) text(t string) string {
	out, missing := render(t, x.vars.lookup)
	x.vars.missing = append(x.vars.missing, missing...)
	return out
}

// jsonText is text for a JSON template (renderJSON).
func (x *execution) jsonText(t string) string {
	out, missing := renderJSON(t, x.vars.lookup)
	x.vars.missing = append(x.vars.missing, missing...)
	return out
}

// log records a value of the step's input for its history line.
func (x *execution) log(key string, v any) {
	if x.logged == nil {
		x.logged = map[string]any{}
	}
	x.logged[key] = v
}

// next follows the step's "next" exit.
func next(outcome string) result { return result{exit: "next", outcome: outcome} }
