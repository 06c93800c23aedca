package workflow

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/event"
)

func init() { register("ask_question", func() stepImpl { return &askQuestion{} }) }

// askQuestion sends a question and waits for the contact's reply. An
// invalid answer is re-asked with ErrorText up to Retries times, then the
// failure exit; no answer within TimeoutSeconds takes the timeout exit. A
// valid answer is saved to a contact field, a variable or a tag, and is
// the step's output {{step.<id>.answer}}.
type askQuestion struct {
	Question       string      `json:"question"`
	Type           string      `json:"answer_type"`       // see answerTypes
	Options        []string    `json:"options,omitempty"` // multiple_choice
	Min            *float64    `json:"min,omitempty"`     // number
	Max            *float64    `json:"max,omitempty"`     // number
	Retries        *int        `json:"retries,omitempty"` // default 2
	ErrorText      string      `json:"error_text,omitempty"`
	TimeoutSeconds int         `json:"timeout_seconds,omitempty"` // 0: wait forever
	SaveTo         *saveTarget `json:"save_to,omitempty"`
}

// saveTarget says where an answer goes.
type saveTarget struct {
	Kind string `json:"kind"`           // field, variable or tag
	Name string `json:"name,omitempty"` // the field key or variable name (unused for tag)
}

var answerTypes = []string{"text", "multiple_choice", "number", "date", "phone", "email", "url", "rating", "location"}

const defaultErrorText = "Sorry, that is not a valid answer."

func (s *askQuestion) retries() int {
	if s.Retries == nil {
		return 2
	}
	return *s.Retries
}

func (s *askQuestion) check(c *checker) {
	if strings.TrimSpace(s.Question) == "" {
		c.add("settings.question", "is required")
	}
	if !slices.Contains(answerTypes, s.Type) {
		c.add("settings.answer_type", "must be one of %s", strings.Join(answerTypes, ", "))
	}
	if s.Type == "multiple_choice" && len(s.Options) == 0 {
		c.add("settings.options", "a multiple-choice question needs options")
	}
	if len(s.Options) > MaxOptions {
		c.add("settings.options", "%d options; at most %d are allowed", len(s.Options), MaxOptions)
	}
	if s.Min != nil && s.Max != nil && *s.Min > *s.Max {
		c.add("settings.min", "is greater than max")
	}
	if r := s.retries(); r < 0 || r > 10 {
		c.add("settings.retries", "must be between 0 and 10")
	}
	if s.TimeoutSeconds < 0 || s.TimeoutSeconds > MaxWait {
		c.add("settings.timeout_seconds", "must be between 0 and %d (7 days)", MaxWait)
	}
	if s.SaveTo != nil {
		s.SaveTo.check(c)
	}
}

func (t *saveTarget) check(c *checker) {
	switch t.Kind {
	case "field", "variable":
		if t.Name == "" {
			c.add("settings.save_to.name", "is required for a %s", t.Kind)
		} else if t.Kind == "variable" && !stepIDRe.MatchString(t.Name) {
			// {{var.<name>}} must be able to name it, as an HTTP
			// Request's and a Classify step's variables: "customer name"
			// is no template variable (it is sent braces and all), and
			// "order.id" is "id" inside "order".
			c.add("settings.save_to.name", "a variable's name is 1–64 letters, digits, _ or -")
		}
	case "tag":
	default:
		c.add("settings.save_to.kind", "must be field, variable or tag")
	}
}

// sets names the variable the answer is saved to, for template checks.
func (s *askQuestion) sets() []string {
	if s.SaveTo != nil && s.SaveTo.Kind == "variable" {
		return []string{s.SaveTo.Name}
	}
	return nil
}

func (s *askQuestion) exits() []string { return []string{"next", "failure", "timeout"} }

func (s *askQuestion) exec(x *execution) (result, error) {
	switch {
	case x.timedOut:
		// An answer may have committed before the timer fired while its
		// event is not handled yet: read it, in this transaction, rather
		// than leave an answered question by the timeout exit. (Handled
		// later, that event is older than any next wait: not taken twice.)
		answer, err := s.unhandledAnswer(x)
		if err != nil || answer != nil {
			if err == nil {
				x.input = answer
				return s.answer(x)
			}
			return result{}, err
		}
		return result{exit: "timeout", outcome: fmt.Sprintf("no answer within %d s", s.TimeoutSeconds)}, nil
	case x.input != nil:
		return s.answer(x)
	}
	return s.ask(x, "asked")
}

// ask sends the question (with options for multiple choice) and waits.
func (s *askQuestion) ask(x *execution, outcome string) (result, error) {
	text := x.text(s.Question)
	if s.Type == "multiple_choice" {
		var b strings.Builder
		b.WriteString(text)
		for i, o := range s.Options {
			fmt.Fprintf(&b, "\n%d. %s", i+1, x.text(o))
		}
		text = b.String()
	}
	x.log("question", text)
	var replies []string
	if s.Type == "multiple_choice" {
		replies = s.Options
	}
	if _, err := x.send(text, replies, nil, 0); err != nil {
		return result{}, err
	}
	res := result{wait: StatusWaitingReply, outcome: outcome}
	if s.TimeoutSeconds > 0 {
		res.wakeAt = x.now.Add(time.Duration(s.TimeoutSeconds) * time.Second)
	}
	return res, nil
}

// unhandledAnswer is the contact's first message since the question (its
// message.received after the wait began, see RunData.WaitAfter), as the
// engine hands an answer to the step; nil when there is none.
func (s *askQuestion) unhandledAnswer(x *execution) (json.RawMessage, error) {
	if x.run.ConversationID == 0 {
		return nil, nil
	}
	// The first that is not an automatic reply (see handle); a few are
	// read at a time, as automatic replies come one or two in a row.
	after := x.run.Data.WaitAfter
	for {
		rows, err := x.tx.Query(x.ctx, `SELECT id, payload FROM events WHERE conversation_id = ? AND type = ? AND id > ? ORDER BY id LIMIT 4`,
			x.run.ConversationID, string(event.MessageReceived), after)
		if err != nil {
			return nil, err
		}
		var found json.RawMessage
		n := 0
		for rows.Next() && found == nil {
			var payload string
			if err := rows.Scan(&after, &payload); err != nil {
				rows.Close()
				return nil, err
			}
			n++
			if !automatic(json.RawMessage(payload)) {
				found = replyInput(json.RawMessage(payload))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil || found != nil || n < 4 {
			return found, err
		}
	}
}

// answer validates a reply: saved and next, or re-asked, or failure.
func (s *askQuestion) answer(x *execution) (result, error) {
	var in struct {
		MessageID int64  `json:"message_id"`
		Type      string `json:"type"`
		Text      string `json:"text"`
	}
	json.Unmarshal(x.input, &in)
	if s.Type == "location" && in.Type == "location" {
		var content string
		if err := x.tx.QueryRow(x.ctx, `SELECT content FROM messages WHERE id = ?`, in.MessageID).Scan(&content); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return result{}, err
		}
		in.Text = locationText(json.RawMessage(content))
	}
	x.log("answer", in.Text)
	// The contact chose among the options as they were shown: rendered,
	// in the question and its quick replies (see ask).
	q := *s
	if len(s.Options) > 0 {
		q.Options = make([]string, len(s.Options))
		for i, o := range s.Options {
			q.Options[i] = x.text(o)
		}
	}
	value, problem := parseAnswer(&q, in.Text)
	if problem != "" {
		x.run.Data.Attempts++
		if x.run.Data.Attempts > s.retries() {
			return result{exit: "failure", outcome: fmt.Sprintf("invalid answer %d times (%s)", x.run.Data.Attempts, problem)}, nil
		}
		errText := s.ErrorText
		if errText == "" {
			errText = defaultErrorText
		}
		if _, err := x.send(x.text(errText), nil, nil, 0); err != nil {
			return result{}, err
		}
		return s.ask(x, fmt.Sprintf("invalid answer (%s): re-asked, attempt %d of %d", problem, x.run.Data.Attempts, s.retries()))
	}
	outcome := fmt.Sprintf("answered %q", stringify(value))
	if s.SaveTo != nil {
		held, err := save(x, *s.SaveTo, value)
		if err != nil {
			return result{}, err
		}
		if held != "" {
			// The answer was valid: the step goes on, saying why the
			// contact does not hold it.
			outcome += "; " + held
		}
	}
	return result{exit: "next", outcome: outcome, output: map[string]any{"answer": value}}, nil
}
