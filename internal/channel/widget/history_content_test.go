package widget

import (
	"reflect"
	"testing"
)

// A message's content is read in every shape a sender takes: quick
// replies as texts (workflow steps, the composer) or as objects with a
// title (an API client writing Meta's or WhatsApp's shape). One shape the
// widget did not know hid the whole content: no buttons, no attachments.
func TestHistoryReadsEveryReplyShape(t *testing.T) {
	for _, c := range []struct {
		name, content string
		replies       []string
		attachments   int
	}{
		{"texts", `{"replies":["Sales","Support"]}`, []string{"Sales", "Support"}, 0},
		{"objects with a title", `{"replies":[{"title":"Sales","payload":"s"},{"text":"Support"},{"label":"Billing"}],
			"attachments":[{"type":"image","url":"https://files.example.com/a.png"}]}`, []string{"Sales", "Support", "Billing"}, 1},
		{"blank and unknown ones are left out", `{"replies":["Sales"," ",{"id":7},3],
			"attachment":{"type":"file","url":"https://files.example.com/t.pdf","file_name":"t.pdf"}}`, []string{"Sales"}, 1},
	} {
		m := Message{Direction: "out"}
		fillContent(&m, c.content)
		if !reflect.DeepEqual(m.Replies, c.replies) || len(m.Attachments) != c.attachments {
			t.Errorf("%s: replies %q, %d attachments; want %q, %d", c.name, m.Replies, len(m.Attachments), c.replies, c.attachments)
		}
	}
}
