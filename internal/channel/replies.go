package channel

import (
	"encoding/json"
	"strings"
)

// ReplyTitles are the quick replies of an outbound message's content, by
// their titles. Workflow steps and the composer store texts; an API
// client may write objects as Meta's and WhatsApp's APIs take them
// ({"title"}, {"text"} or {"label"}). Every sender reads both, so that a
// message shows the same choices on every channel; an entry with no
// title is left out.
type ReplyTitles []string

// UnmarshalJSON reads a list of texts or objects. Anything else is no
// replies rather than an error, so the rest of the content (text,
// attachments) is still read.
func (r *ReplyTitles) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	*r = nil
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	for _, x := range raw {
		if t := ReplyTitle(x); t != "" {
			*r = append(*r, t)
		}
	}
	return nil
}

// ReplyTitle is the title of one quick reply: a text, or the first of an
// object's title, text and label that is not blank; "" for anything else.
func ReplyTitle(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var o struct{ Title, Text, Label string }
	if json.Unmarshal(raw, &o) == nil {
		for _, v := range []string{o.Title, o.Text, o.Label} {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}
