package workflow

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

func init() {
	registerTrigger("conversation_rated", func() triggerImpl { return &conversationRated{} })
}

// conversationRated fires when a contact answers their satisfaction
// survey (internal/satisfaction) with a rating from AtLeast to AtMost
// (both included; unset, 1 and 5): "at most 2" follows up the unhappy,
// "at least 4" asks the happy for a review. A changed answer fires it only
// when the rating comes into that range (from outside it, or from none),
// so a contact who goes from 2 to 1 is not followed up twice, and one who
// goes from 5 to 1 is.
type conversationRated struct {
	AtLeast int `json:"at_least,omitempty"`
	AtMost  int `json:"at_most,omitempty"`
}

func (t *conversationRated) check(c *checker) {
	for _, b := range []struct {
		field string
		v     int
	}{{"at_least", t.AtLeast}, {"at_most", t.AtMost}} {
		if b.v != 0 && (b.v < 1 || b.v > 5) {
			c.add("trigger.conditions."+b.field, "a rating is from 1 to 5")
		}
	}
	if t.AtLeast != 0 && t.AtMost != 0 && t.AtLeast > t.AtMost {
		c.add("trigger.conditions.at_least", "is above at_most: no rating would fire the trigger")
	}
}

func (t *conversationRated) on() event.Type { return event.ConversationRated }

// in reports whether rating is in the trigger's range.
func (t *conversationRated) in(rating int) bool {
	return rating >= cmp.Or(t.AtLeast, 1) && rating <= cmp.Or(t.AtMost, 5)
}

func (t *conversationRated) match(_ context.Context, _ *db.Tx, ev event.Event) (map[string]any, bool, error) {
	var p struct {
		Rating   int    `json:"rating"`
		Previous int    `json:"previous_rating"`
		Comment  string `json:"comment"`
	}
	json.Unmarshal(ev.Payload, &p)
	if !t.in(p.Rating) || (p.Previous != 0 && t.in(p.Previous)) {
		return nil, false, nil
	}
	data := map[string]any{"rating": p.Rating, "comment": p.Comment, "conversation_id": ev.ConversationID}
	if p.Previous != 0 {
		data["previous_rating"] = p.Previous
	}
	return data, true, nil
}
