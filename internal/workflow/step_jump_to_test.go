package workflow

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestJumpTo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		run, conv := f.runSteps(`[
			{"id": "say", "type": "send_message", "settings": {"text": "again"}, "exits": {"next": "loop"}},
			{"id": "loop", "type": "jump_to", "settings": {"step": "say", "max_jumps": 2}, "exits": {"next": "done"}},
			{"id": "done", "type": "send_message", "settings": {"text": "done"}}]`)
		if run.Status != StatusFinished {
			t.Fatalf("status %s", run.Status)
		}
		if got := strings.Join(f.outTexts(conv), ","); got != "again,again,again,done" {
			t.Fatalf("sent %s", got)
		}
		if run.Data.Jumps["loop"] != 2 {
			t.Fatalf("jumps %v", run.Data.Jumps)
		}
	})
}
