package viber

import (
	"encoding/json"
	"html"
	"slices"
	"strings"
)

// MaxButtons is how many quick replies a message carries as keyboard
// buttons, one a row: Viber's keyboard shows up to 12 rows in portrait
// mode (its FAQ), and Ask a Question offers at most 10 options.
const MaxButtons = 12

// MaxTrackingData is the most characters send_message's tracking_data
// holds.
const MaxTrackingData = 4096

// Keyboard is a Viber keyboard, attached to a message: its buttons are
// shown instead of the contact's own keyboard (Viber shows the keyboard
// of the last message the bot sent).
type Keyboard struct {
	Type          string   `json:"Type"`
	DefaultHeight bool     `json:"DefaultHeight"`
	Buttons       []Button `json:"Buttons"`
}

// Button is one keyboard button. A "reply" button posts its ActionBody
// to the bot as the contact's text message.
type Button struct {
	Columns    int    `json:"Columns"`
	Rows       int    `json:"Rows"`
	ActionType string `json:"ActionType"`
	ActionBody string `json:"ActionBody"`
	Text       string `json:"Text"`
}

// keyboard is the keyboard of quick replies: a full-width reply button a
// row whose ActionBody is the option itself, so that a press comes back
// as the option's text (what Ask a Question matches); nil when there are
// none. The label is escaped: Viber reads a button's Text as HTML.
func keyboard(options []string) *Keyboard {
	var kb Keyboard
	for _, o := range options {
		if len(kb.Buttons) == MaxButtons {
			break
		}
		if strings.TrimSpace(o) == "" {
			continue
		}
		kb.Buttons = append(kb.Buttons, Button{Columns: 6, Rows: 1, ActionType: "reply", ActionBody: o, Text: html.EscapeString(o)})
	}
	if len(kb.Buttons) == 0 {
		return nil
	}
	kb.Type = "keyboard"
	return &kb
}

// trackingPrefix starts the tracking_data of a message with a keyboard.
// Viber hands a message's tracking_data back with the contact's next
// message, so a text equal to one of the buttons is known for a press.
const trackingPrefix = "switchboard:replies:"

// trackingData names the keyboard's options in a message's tracking_data
// ("" when they do not fit: a press is then stored as the plain text it
// is, which Ask a Question reads all the same).
func trackingData(kb *Keyboard) string {
	if kb == nil {
		return ""
	}
	bodies := make([]string, len(kb.Buttons))
	for i, b := range kb.Buttons {
		bodies[i] = b.ActionBody
	}
	raw, _ := json.Marshal(bodies)
	s := trackingPrefix + string(raw)
	if len([]rune(s)) > MaxTrackingData {
		return ""
	}
	return s
}

// pressed reports whether text, with the tracking_data Viber handed back
// with it, is a press on one of the keyboard's buttons, and the option.
func pressed(text, tracking string) (string, bool) {
	raw, ok := strings.CutPrefix(tracking, trackingPrefix)
	if !ok || text == "" {
		return "", false
	}
	var options []string
	if json.Unmarshal([]byte(raw), &options) != nil {
		return "", false
	}
	return text, slices.Contains(options, text)
}
