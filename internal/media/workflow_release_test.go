package media_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// sending is a workflow definition whose one Send a Message step attaches
// files by their fetch URLs.
func (f *refFixture) sending(name string, files ...media.Media) workflow.Definition {
	f.t.Helper()
	var list []string
	for _, m := range files {
		list = append(list, `{"type": "image", "url": "https://switchboard.example`+m.FetchPath()+`"}`)
	}
	d, err := workflow.ParseDefinition([]byte(`{"name": "` + name + `", "trigger": {"type": "conversation_opened"},
		"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi", "attachments": [` + strings.Join(list, ", ") + `]}}]}`))
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// settle lets the uploads' day pass: the sweep keeps for good those a
// record names, and they go from then on with what names them.
func (f *refFixture) settle() {
	f.t.Helper()
	f.clock.Advance(media.UnsentTTL)
	f.work()
	if n := dbtest.Count(f.t, f.d, `SELECT COUNT(*) FROM media WHERE sweep_at > 0`); n != 0 {
		f.t.Fatalf("%d uploads still to sweep", n)
	}
}

// linked returns the files a workflow is linked to, sorted.
func (f *refFixture) linked(workflowID int64) []string {
	f.t.Helper()
	return dbtest.Column[string](f.t, f.d, `SELECT media_id FROM workflow_media WHERE workflow_id = ? ORDER BY media_id`, workflowID)
}

func ids(files ...media.Media) []string {
	out := []string{}
	for _, m := range files {
		out = append(out, m.ID)
	}
	slices.Sort(out)
	return out
}

// A file a workflow's draft drops (an image replaced by another) goes
// once nothing names it: not the draft, not a version of the workflow
// (kept for restore), not a message, not another workflow. The
// workflow's links are the files its draft and versions name after each
// save and publish. An upload still in its first day is left to the
// sweep, which deletes it at the day's end if nothing names it again.
func TestAFileDroppedFromAWorkflowGoesOnceNothingNamesIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		svc := workflow.NewService(d)
		cases := []struct {
			name string
			// before runs with the workflow's draft naming old, and
			// returns whether the uploads' day is let pass before old
			// is replaced by new.
			before func(w workflow.Workflow, old media.Media) (settle bool)
			// publish publishes the draft that names new.
			publish bool
			// links are the workflow's links after the replacement,
			// by name: "old", "new".
			links []string
			want  string // old's state once the store's work ran
		}{
			{"replaced in a draft never published", func(workflow.Workflow, media.Media) bool { return true },
				false, []string{"new"}, "deleted"},
			{"replaced, then the new draft published", func(workflow.Workflow, media.Media) bool { return true },
				true, []string{"new"}, "deleted"},
			{"replaced after a version named it", func(w workflow.Workflow, _ media.Media) bool {
				if _, err := svc.Publish(ctx, f.ws, w.ID, workflow.Edit{}); err != nil {
					t.Fatal(err)
				}
				return true
			}, false, []string{"new", "old"}, "kept"},
			{"replaced after a version named it, the new draft published too", func(w workflow.Workflow, _ media.Media) bool {
				if _, err := svc.Publish(ctx, f.ws, w.ID, workflow.Edit{}); err != nil {
					t.Fatal(err)
				}
				return true
			}, true, []string{"new", "old"}, "kept"},
			{"also sent in a message", func(_ workflow.Workflow, old media.Media) bool {
				r := f.receive(f.ws, f.ch, `{}`)
				f.send(f.ws, r.ConversationID, attachment(old))
				return true
			}, false, []string{"new"}, "kept"},
			{"also in another workflow's draft", func(_ workflow.Workflow, old media.Media) bool {
				if _, err := svc.Create(ctx, f.ws, f.sending("Other", old)); err != nil {
					t.Fatal(err)
				}
				return true
			}, false, []string{"new"}, "kept"},
			{"replaced within its upload's day", func(workflow.Workflow, media.Media) bool { return false },
				false, []string{"new"}, "kept"},
		}
		for _, c := range cases {
			old := f.upload(f.ws)
			w, err := svc.Create(ctx, f.ws, f.sending("Welcome", old))
			if err != nil {
				t.Fatal(err)
			}
			if c.before(w, old) {
				f.settle()
			}
			next := f.upload(f.ws)
			if _, err := svc.SaveDraft(ctx, f.ws, w.ID, f.sending("Welcome", next), workflow.Edit{}); err != nil {
				t.Fatal(err)
			}
			if c.publish {
				if _, err := svc.Publish(ctx, f.ws, w.ID, workflow.Edit{}); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for _, l := range c.links {
				want = append(want, map[string]string{"old": old.ID, "new": next.ID}[l])
			}
			slices.Sort(want)
			if got := f.linked(w.ID); !slices.Equal(got, want) {
				t.Errorf("%s: links %v, want %v (old %s, new %s)", c.name, got, want, old.ID, next.ID)
			}
			f.work()
			if got := f.state(f.ws, old.ID); got != c.want {
				t.Errorf("%s: the replaced file %s, want %s", c.name, got, c.want)
			}
			if got := f.state(f.ws, next.ID); got != "kept" {
				t.Errorf("%s: the new file %s", c.name, got)
			}
		}
		// The upload replaced within its day is the sweep's: nothing
		// names it at the day's end, and it goes then.
		f.settle()
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media m WHERE NOT EXISTS (SELECT 1 FROM workflow_media r WHERE r.media_id = m.id)
			AND NOT EXISTS (SELECT 1 FROM message_media r WHERE r.media_id = m.id)`); n != 0 {
			t.Errorf("%d files nothing names outlived their day", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_removals`); n != 0 {
			t.Errorf("%d removals left after the pass", n)
		}
	})
}

// Deleting a workflow (DELETE /api/v1/workflows/{id}) deletes the files
// its draft and versions named that nothing else names, in the same
// transaction, their bytes with the store's next pass; a file also sent
// in a message, or named by another workflow, stays.
func TestDeletingAWorkflowDeletesItsFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		svc := workflow.NewService(d)
		for _, del := range []struct {
			name string
			fn   func(id int64) error
		}{
			{"DeleteChecked (the API's)", func(id int64) error { return svc.DeleteChecked(ctx, f.ws, id, false) }},
			{"Delete", func(id int64) error { return svc.Delete(ctx, f.ws, id) }},
		} {
			published, drafted, sent, shared := f.upload(f.ws), f.upload(f.ws), f.upload(f.ws), f.upload(f.ws)
			w, err := svc.Create(ctx, f.ws, f.sending("Welcome", published, sent, shared))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Publish(ctx, f.ws, w.ID, workflow.Edit{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SaveDraft(ctx, f.ws, w.ID, f.sending("Welcome", drafted, sent), workflow.Edit{}); err != nil {
				t.Fatal(err)
			}
			other, err := svc.Create(ctx, f.ws, f.sending("Other", shared))
			if err != nil {
				t.Fatal(err)
			}
			r := f.receive(f.ws, f.ch, `{}`)
			f.send(f.ws, r.ConversationID, attachment(sent))
			f.settle()
			if err := del.fn(w.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.Get(ctx, f.ws, published.ID); err == nil {
				t.Errorf("%s: the file's row outlived the workflow", del.name)
			}
			f.work()
			for m, want := range map[media.Media]string{published: "deleted", drafted: "deleted", sent: "kept", shared: "kept"} {
				if got := f.state(f.ws, m.ID); got != want {
					t.Errorf("%s: %s %s, want %s", del.name, m.ID, got, want)
				}
			}
			if got := f.linked(w.ID); len(got) != 0 {
				t.Errorf("%s: links %v left", del.name, got)
			}
			if got := f.linked(other.ID); !slices.Equal(got, ids(shared)) {
				t.Errorf("%s: the other workflow's links %v", del.name, got)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_removals`); n != 0 {
			t.Errorf("%d removals left after the pass", n)
		}
	})
}

// A workflow may attach more files than a message names (up to 100
// steps, each with its attachments): every one is linked and kept, and
// adding one keeps the others linked (a cut of the sorted ids would
// drop one, released while the draft still sends it).
func TestAWorkflowKeepsAllItsManyFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newRefFixture(t, d)
		ctx := context.Background()
		svc := workflow.NewService(d)
		var files []media.Media
		for range 80 {
			files = append(files, f.upload(f.ws))
		}
		w, err := svc.Create(ctx, f.ws, f.sending("Catalogue", files...))
		if err != nil {
			t.Fatal(err)
		}
		f.settle()
		files = append(files, f.upload(f.ws))
		if _, err := svc.SaveDraft(ctx, f.ws, w.ID, f.sending("Catalogue", files...), workflow.Edit{}); err != nil {
			t.Fatal(err)
		}
		if got, want := f.linked(w.ID), ids(files...); !slices.Equal(got, want) {
			t.Errorf("%d links, want %d", len(got), len(want))
		}
		f.settle()
		for _, m := range files {
			if got := f.state(f.ws, m.ID); got != "kept" {
				t.Errorf("%s: %s", m.ID, got)
			}
		}
	})
}
