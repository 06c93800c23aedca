package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

const versionFlow = `{"name": "Versions", "trigger": {"type": "conversation_opened"},
  "steps": [
    {"id": "ask", "type": "ask_question", "settings": {"question": "%Q", "answer_type": "text"}, "exits": {"next": "bye"}},
    {"id": "bye", "type": "send_message", "settings": {"text": "%B"}}
  ]}`

// TestPublishWhileRunsWait publishes v2 while v1 runs wait for answers:
// they finish on v1, and conversations opened afterwards run v2.
func TestPublishWhileRunsWait(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy(strings.NewReplacer("%Q", "v1 question", "%B", "v1 bye").Replace(versionFlow))
		old := f.write("+14155550001", "hi")
		f.waitStatus(w.ID, old.ConversationID, StatusWaitingReply)

		v2, err := ParseDefinition([]byte(strings.NewReplacer("%Q", "v2 question", "%B", "v2 bye").Replace(versionFlow)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveDraft(ctx, f.wsp.ID, w.ID, v2); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(ctx, f.wsp.ID, w.ID)
		if err != nil || got.PublishedVersion != 1 || got.Draft == nil {
			t.Fatalf("after editing: version %d, draft %v, %v", got.PublishedVersion, got.Draft != nil, err)
		}
		if got, err = f.svc.Publish(ctx, f.wsp.ID, w.ID, 0); err != nil || got.PublishedVersion != 2 || got.Draft != nil {
			t.Fatalf("publish: version %d, %v", got.PublishedVersion, err)
		}

		fresh := f.write("+14155550002", "hi")
		f.waitStatus(w.ID, fresh.ConversationID, StatusWaitingReply)
		f.write("+14155550001", "an answer")
		f.write("+14155550002", "an answer")
		r1 := f.waitStatus(w.ID, old.ConversationID, StatusFinished)
		r2 := f.waitStatus(w.ID, fresh.ConversationID, StatusFinished)
		if r1.Version != 1 || r2.Version != 2 {
			t.Fatalf("versions %d and %d, want 1 and 2", r1.Version, r2.Version)
		}
		if got := f.outTexts(old.ConversationID); strings.Join(got, "|") != "v1 question|v1 bye" {
			t.Errorf("the v1 run sent %q", got)
		}
		if got := f.outTexts(fresh.ConversationID); strings.Join(got, "|") != "v2 question|v2 bye" {
			t.Errorf("the v2 run sent %q", got)
		}
	})
}
