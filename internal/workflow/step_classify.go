package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

func init() { register("classify", func() stepImpl { return &classify{} }) }

// Classifier serves the Classify step: it puts a text into one of the
// workspace's intents ("none" below the threshold; threshold 0 takes the
// workspace's) and detects its language ("" when unsure). internal/ai
// satisfies it.
type Classifier interface {
	ClassifyIntent(ctx context.Context, workspaceID int64, text string, threshold float64) (Classified, error)
}

// Classified is a Classifier's answer.
type Classified struct {
	Intent     string
	Confidence float64
	Language   string
	Method     string // "classifier" or "llm"
}

// noIntent is the intent, and the exit, of a message no intent fits.
const noIntent = "none"

// classify puts the contact's last message (or a text with variables)
// into one of the workspace's intents, saves the intent's name to a
// variable (and optionally a contact field), saves the detected language
// to the contact, and takes next — or none when no intent is confident
// enough (the variable then holds "none"). The Branch step routes on the
// variable.
type classify struct {
	// Text to classify; empty: the contact's last incoming message.
	Text string `json:"text,omitempty"`
	// SaveTo is the variable that receives the intent (default "intent").
	SaveTo string `json:"save_to,omitempty"`
	// ContactField, when set, also receives the intent.
	ContactField string `json:"contact_field,omitempty"`
	// DetectLanguage saves the detected language to the contact's
	// language field (when the detector is sure).
	DetectLanguage bool `json:"detect_language,omitempty"`
	// Threshold overrides the workspace's confidence threshold (0 to 1;
	// 0 keeps the workspace's).
	Threshold float64 `json:"threshold,omitempty"`
}

func (s *classify) check(c *checker) {
	if s.SaveTo != "" && !stepIDRe.MatchString(s.SaveTo) {
		c.add("settings.save_to", "is 1–64 letters, digits, _ or -")
	}
	if s.Threshold < 0 || s.Threshold > 1 {
		c.add("settings.threshold", "must be between 0 and 1")
	}
}

func (s *classify) variable() string {
	if s.SaveTo == "" {
		return "intent"
	}
	return s.SaveTo
}

func (s *classify) sets() []string { return []string{s.variable()} }

func (s *classify) exits() []string { return []string{"next", noIntent} }

// classifyOutcome is what the classifier said, handed from outside to exec.
type classifyOutcome struct {
	Text   string
	Result Classified
	Err    string
	// Missing are the variables the text rendered empty, for exec's
	// history line.
	Missing []string
}

func (s *classify) outside(ctx context.Context, x *execution) (any, error) {
	var out classifyOutcome
	if s.Text != "" {
		out.Text = x.text(s.Text)
		out.Missing = x.vars.missing
	} else if x.run.ContactID != 0 {
		err := x.e.db.Reader().QueryRow(ctx, `SELECT text FROM messages WHERE workspace_id = ? AND contact_id = ? AND direction = 'in'
			ORDER BY id DESC LIMIT 1`, x.run.WorkspaceID, x.run.ContactID).Scan(&out.Text)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("workflow: classify: %w", err)
		}
	}
	out.Text = strings.TrimSpace(out.Text)
	switch {
	case x.e.opts.Classifier == nil:
		out.Err = "this node has no classifier"
	case out.Text == "":
		out.Err = "nothing to classify: no text and no message from the contact"
	default:
		res, err := x.e.opts.Classifier.ClassifyIntent(ctx, x.run.WorkspaceID, out.Text, s.Threshold)
		if err != nil {
			out.Err = err.Error()
		}
		out.Result = res
	}
	return out, nil
}

func (s *classify) exec(x *execution) (result, error) {
	out, _ := x.outside.(classifyOutcome)
	x.vars.missing = append(x.vars.missing, out.Missing...)
	x.log("text", out.Text)
	intent := out.Result.Intent
	if intent == "" || out.Err != "" {
		intent = noIntent
	}
	x.run.Data.Vars[s.variable()] = intent
	output := map[string]any{"intent": intent, "confidence": out.Result.Confidence, "language": out.Result.Language,
		"method": out.Result.Method}
	// "none" is no intent: the field keeps what it held (a list field of
	// the intents would refuse it, failing the run: Classify has no
	// failure exit).
	if s.ContactField != "" && x.run.ContactID != 0 && intent != noIntent {
		if _, err := setContactField(x, s.ContactField, intent); err != nil {
			return result{}, err
		}
	}
	if s.DetectLanguage && out.Result.Language != "" && x.run.ContactID != 0 {
		if _, err := setContactField(x, "language", out.Result.Language); err != nil {
			return result{}, err
		}
	}
	if out.Err != "" {
		output["error"] = out.Err
		return result{exit: noIntent, outcome: "not classified: " + out.Err, output: output}, nil
	}
	line := fmt.Sprintf("%s (%.0f%%", intent, 100*out.Result.Confidence)
	if out.Result.Language != "" {
		line += ", " + out.Result.Language
	}
	line += ")"
	if intent == noIntent {
		return result{exit: noIntent, outcome: "no intent is confident enough: " + line, output: output}, nil
	}
	return result{exit: "next", outcome: line, output: output}, nil
}
