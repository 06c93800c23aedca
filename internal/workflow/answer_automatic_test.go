package workflow

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An automatic reply (an out-of-office, email's Auto-Submitted) is no
// answer to Ask a Question: the step keeps waiting, and the contact's own
// reply after it is the answer (was: "I am away until Monday" saved as the
// contact's name).
func TestAnAutomaticReplyIsNoAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[{"id": "q", "type": "ask_question", "settings": {"question": "Your name?", "answer_type": "text",
			"save_to": {"kind": "variable", "name": "name"}}, "exits": {"next": "ok"}},
			{"id": "ok", "type": "send_message", "settings": {"text": "Thanks {{var.name}}"}}]`)
		phone := f.phoneOf(run.ContactID)
		f.mid++
		if _, err := f.conv.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, Automatic: true,
			WorkspaceID: f.wsp.ID, ChannelID: f.ch.ID, ExternalID: phone, ProviderMessageID: fmt.Sprintf("auto%d", f.mid),
			Type: "text", Text: "I am away until Monday"}}); err != nil {
			t.Fatal(err)
		}
		f.write(phone, "Maria")
		f.eventually("the answer taken", func() bool { return len(f.outTexts(conv)) == 2 })
		if got := strings.Join(f.outTexts(conv), "|"); got != "Your name?|Thanks Maria" {
			t.Fatalf("sent %q, want the contact's own reply taken", got)
		}
		r, _ := f.svc.GetRun(context.Background(), f.wsp.ID, run.WorkflowID, run.ID)
		if r.Status != StatusFinished {
			t.Fatalf("run %s", r.Status)
		}
	})
}
