package satisfaction_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Attach gives a conversation its contact's latest answer, and nothing to
// a survey not answered, to an open conversation, or to a conversation of
// another workspace named by mistake.
func TestAttach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		rated, token := w.survey(t, "+14155550100")
		unanswered, _ := w.survey(t, "+14155550101")
		open := w.writeIn(t, "+14155550102", "m-open")
		if _, err := w.sat.Rate(ctx, token, 5, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.sat.Rate(ctx, token, 2, "Slow"); err != nil {
			t.Fatal(err)
		}

		ids := []int64{open, unanswered, rated}
		var convs []conversation.Conversation
		for _, id := range ids {
			c, err := w.convs.Get(ctx, w.owner, id)
			if err != nil {
				t.Fatal(err)
			}
			convs = append(convs, c)
		}
		if err := w.sat.Attach(ctx, w.ws.ID, convs); err != nil {
			t.Fatal(err)
		}
		if convs[0].Satisfaction != nil || convs[1].Satisfaction != nil {
			t.Fatalf("open %+v, unanswered %+v; want neither rated", convs[0].Satisfaction, convs[1].Satisfaction)
		}
		got := convs[2].Satisfaction
		if got == nil || got.Rating != 2 || got.Comment != "Slow" || !got.RatedAt.Equal(w.clk.Now()) {
			t.Fatalf("rated = %+v; want the latest answer, 2 Slow at %v", got, w.clk.Now())
		}

		other := []conversation.Conversation{convs[2]}
		other[0].Satisfaction = nil
		if err := w.sat.Attach(ctx, w.ws.ID+1, other); err != nil || other[0].Satisfaction != nil {
			t.Fatalf("read for another workspace: %+v, %v; want nothing", other[0].Satisfaction, err)
		}
		if err := w.sat.Attach(ctx, w.ws.ID, nil); err != nil {
			t.Fatal(err)
		}
	})
}
