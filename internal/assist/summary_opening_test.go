package assist_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/assist"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A long conversation's summary still knows what the customer came for:
// the model reads the conversation's opening messages as well as its
// last ones, with a mark where messages were left out. It read the last
// 30 only, so the summary of a conversation longer than that missed the
// request that started it ("what the customer wanted").
func TestSummaryOfALongConversationKeepsItsOpening(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		msgs := []string{"My order 1234 never arrived."}
		for i := 2; i <= 45; i++ {
			msgs = append(msgs, fmt.Sprintf("follow-up %d", i))
		}
		w := newWorld(t, d, msgs...)
		p := newProvider(t, answer{text: "The order never came; a refund was promised.", usage: [2]int{30, 5}})
		w.configure(t, p, false, 0)
		if _, err := w.svc.Summary(context.Background(), w.owner, w.convID, assist.SummaryInput{}); err != nil {
			t.Fatal(err)
		}
		content := p.requests()[0].Messages[1].Content
		conv := section(t, content, "CONVERSATION", sectionTag(t, content, "CONVERSATION"))
		for _, want := range []string{"My order 1234 never arrived.", "messages left out", "follow-up 45"} {
			if !strings.Contains(conv, want) {
				t.Errorf("the conversation the model read lacks %q:\n%s", want, conv)
			}
		}
		if strings.Contains(conv, "follow-up 5\n") {
			t.Errorf("the middle of the conversation was read too:\n%s", conv)
		}
	})
}
