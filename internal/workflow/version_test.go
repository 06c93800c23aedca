package workflow

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
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
		if _, err := f.svc.SaveDraft(ctx, f.wsp.ID, w.ID, v2, Edit{}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(ctx, f.wsp.ID, w.ID)
		if err != nil || got.PublishedVersion != 1 || got.Draft == nil {
			t.Fatalf("after editing: version %d, draft %v, %v", got.PublishedVersion, got.Draft != nil, err)
		}
		if got, err = f.svc.Publish(ctx, f.wsp.ID, w.ID, Edit{}); err != nil || got.PublishedVersion != 2 || got.Draft != nil {
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

// hookClock is a fake clock that runs a function once, at the first
// reading of the time after it is armed: a write that lands "meanwhile",
// between what an operation read and what it writes.
type hookClock struct {
	*clock.Fake
	mu   sync.Mutex
	hook func()
}

func (c *hookClock) arm(fn func()) { c.mu.Lock(); c.hook = fn; c.mu.Unlock() }

func (c *hookClock) Now() time.Time {
	c.mu.Lock()
	fn := c.hook
	c.hook = nil
	c.mu.Unlock()
	if fn != nil {
		fn()
	}
	return c.Fake.Now()
}

// TestPublishKeepsWhatLandedMeanwhile: a draft saved, or the workflow
// published, while a publish was between reading the draft and writing
// the version is neither wiped (the draft was cleared whatever it then
// held) nor published twice (a second identical version); the publish
// that lost the race is a 409 and changes nothing.
func TestPublishKeepsWhatLandedMeanwhile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		meanwhile func(ctx context.Context, svc *Service, workspaceID, id int64) error
		versions  int    // published versions after both
		draft     string // the draft's question after both ("": none)
	}{
		{"a draft saved", func(ctx context.Context, svc *Service, workspaceID, id int64) error {
			def, err := ParseDefinition([]byte(strings.NewReplacer("%Q", "v3 question", "%B", "b").Replace(versionFlow)))
			if err != nil {
				return err
			}
			_, err = svc.SaveDraft(ctx, workspaceID, id, def, Edit{})
			return err
		}, 1, "v3 question"},
		{"a publish", func(ctx context.Context, svc *Service, workspaceID, id int64) error {
			_, err := svc.Publish(ctx, workspaceID, id, Edit{})
			return err
		}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				c := &hookClock{Fake: clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
				d.SetClock(c)
				wsp, err := workspace.New(d).Create(ctx, "Acme", "UTC")
				if err != nil {
					t.Fatal(err)
				}
				svc := NewService(d)
				v1, err := ParseDefinition([]byte(strings.NewReplacer("%Q", "v1 question", "%B", "b").Replace(versionFlow)))
				if err != nil {
					t.Fatal(err)
				}
				w, err := svc.Create(ctx, wsp.ID, v1)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Publish(ctx, wsp.ID, w.ID, Edit{}); err != nil {
					t.Fatal(err)
				}
				v2, err := ParseDefinition([]byte(strings.NewReplacer("%Q", "v2 question", "%B", "b").Replace(versionFlow)))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.SaveDraft(ctx, wsp.ID, w.ID, v2, Edit{}); err != nil {
					t.Fatal(err)
				}
				var meanwhile error
				c.arm(func() { meanwhile = tc.meanwhile(ctx, svc, wsp.ID, w.ID) })
				_, err = svc.Publish(ctx, wsp.ID, w.ID, Edit{})
				if meanwhile != nil {
					t.Fatalf("meanwhile: %v", meanwhile)
				}
				if apperr.KindOf(err) != apperr.KindConflict {
					t.Errorf("the publish that lost the race: %v, want a conflict", err)
				}
				got, err := svc.Get(ctx, wsp.ID, w.ID)
				if err != nil {
					t.Fatal(err)
				}
				if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM workflow_versions WHERE workflow_id = ?`, w.ID); n != tc.versions || got.PublishedVersion != tc.versions {
					t.Errorf("%d versions, published %d; want %d", n, got.PublishedVersion, tc.versions)
				}
				draft := ""
				if got.Draft != nil {
					draft = string(got.Draft.Steps[0].Settings)
				}
				if (tc.draft == "") != (draft == "") || !strings.Contains(draft, tc.draft) {
					t.Errorf("draft %q, want one asking %q", draft, tc.draft)
				}
			})
		})
	}
}
