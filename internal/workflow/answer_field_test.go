package workflow

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An answer is saved to a contact field of any type that takes its
// value, as an Update Contact Field step's text would be: a rating to a
// list field of "1" to "5", a number to a text field. Number and rating
// answers reached the field as numbers, which every field but a number
// field refuses ("must be a string"), so a valid answer failed the step.
func TestAnswerSavedToAnyFieldType(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for _, fl := range []contact.Field{
			{Key: "csat", Name: "CSAT", Type: "list", Options: []string{"1", "2", "3", "4", "5"}},
			{Key: "order_ref", Name: "Order", Type: "text"},
			{Key: "age", Name: "Age", Type: "number"},
		} {
			if _, err := f.contacts.CreateField(ctx, f.wsp.ID, fl); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct{ answerType, field, answer, want string }{
			{"rating", "csat", "4", "4"},
			{"number", "order_ref", "1234", "1234"},
			{"number", "age", "42", "42"},
		} {
			run, conv := f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "?", "answer_type": "` + c.answerType + `",
				"save_to": {"kind": "field", "name": "` + c.field + `"}}, "exits": {"next": "ok", "failure": "ko"}},
				{"id": "ok", "type": "send_message", "settings": {"text": "saved"}},
				{"id": "ko", "type": "send_message", "settings": {"text": "failed"}}]`)
			f.write(f.phoneOf(run.ContactID), c.answer)
			r := f.waitStatus(run.WorkflowID, conv, StatusFinished)
			got, _ := f.contacts.Get(ctx, access.System(f.wsp.ID), run.ContactID)
			if sent := f.outTexts(conv); sent[len(sent)-1] != "saved" || stringify(got.Fields[c.field]) != c.want {
				t.Errorf("%s to %s: sent %q, field %v, history %+v", c.answerType, c.field, sent, got.Fields[c.field], r.History)
			}
		}
	})
}
