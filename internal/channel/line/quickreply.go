package line

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// Limits of LINE's quick replies.
const (
	// MaxQuickReplies is how many buttons a message's quick reply holds.
	MaxQuickReplies = 13
	// MaxLabel is the longest button label; LINE counts an action's
	// label in grapheme clusters, so a label cut to MaxLabel runes (each
	// at most one cluster) always fits.
	MaxLabel = 20
	// maxPostbackData bounds a postback action's data, in UTF-16 code
	// units (LINE's count for it).
	maxPostbackData = 300
	// maxDisplayText bounds the text the contact is shown as theirs when
	// they press the button, in grapheme clusters.
	maxDisplayText = 300
)

// indexPrefix marks a postback's data that is a button's position (1,
// 2…) rather than the option itself.
const indexPrefix = "#"

// quickReply is a message's quickReply object.
type quickReply struct {
	Items []quickReplyItem `json:"items"`
}

type quickReplyItem struct {
	Type   string         `json:"type"` // action
	Action postbackAction `json:"action"`
}

// postbackAction: pressed, LINE shows displayText in the chat as the
// contact's own message and delivers a postback event with data, which
// inbound turns into their answer (answerOf). A message action would
// show and send the same text, but a postback tells an answer from a
// typed text, and its data survives a label cut to 20 characters.
type postbackAction struct {
	Type        string `json:"type"` // postback
	Label       string `json:"label"`
	Data        string `json:"data"`
	DisplayText string `json:"displayText"`
}

// quickReplies are the quick reply buttons of a message's options: one
// postback button each, labelled with the option (cut to MaxLabel), its
// data the option itself when it fits, else its position. More options
// than LINE shows fail the message rather than drop some silently.
func quickReplies(options []string) (*quickReply, error) {
	if len(options) == 0 {
		return nil, nil
	}
	if len(options) > MaxQuickReplies {
		return nil, outbound.Permanent(fmt.Sprintf("LINE shows at most %d quick replies; this message has %d", MaxQuickReplies, len(options)))
	}
	q := &quickReply{}
	for i, o := range options {
		label, _ := limit.Truncate(o, MaxLabel, "…")
		display, _ := limit.Truncate(o, maxDisplayText, "…")
		q.Items = append(q.Items, quickReplyItem{Type: "action",
			Action: postbackAction{Type: "postback", Label: label, Data: postbackData(i, o), DisplayText: display}})
	}
	return q, nil
}

// postbackData is the data of the i-th (0-based) option's button.
func postbackData(i int, option string) string {
	if len(utf16.Encode([]rune(option))) <= maxPostbackData && !strings.HasPrefix(option, indexPrefix) {
		return option
	}
	return indexPrefix + strconv.Itoa(i+1)
}

// answerOf is the contact's answer a postback carries: what a date-time
// picker chose; else the position n of a "#n" (which Ask a Question
// reads as its n-th option); else the data itself (a quick reply's
// option, or what a rich menu's button was set to send).
func answerOf(p Postback) string {
	for _, k := range []string{"datetime", "date", "time"} {
		if v := strings.TrimSpace(p.Params[k]); v != "" {
			return v
		}
	}
	if n, ok := strings.CutPrefix(p.Data, indexPrefix); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return n
		}
	}
	return p.Data
}
