package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestVersionsList publishes two versions with a run waiting on each and
// lists them newest first, paged, with their runs; one version answers
// its own definition.
func TestVersionsList(t *testing.T) {
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
		ada, err := workspace.New(d).CreateUser(ctx, f.wsp.ID, workspace.NewUser{Email: "ada@acme.test", Name: "Ada Lovelace", Role: workspace.RoleManager})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.wsp.ID, w.ID, Edit{By: ada.ID}); err != nil {
			t.Fatal(err)
		}
		fresh := f.write("+14155550002", "hi")
		f.waitStatus(w.ID, fresh.ConversationID, StatusWaitingReply)
		f.write("+14155550002", "an answer")
		f.waitStatus(w.ID, fresh.ConversationID, StatusFinished)

		list, err := f.svc.ListVersions(ctx, f.wsp.ID, w.ID, page.Request{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != 2 || list.NextCursor != "" {
			t.Fatalf("versions: %+v", list)
		}
		got2, got1 := list.Data[0], list.Data[1]
		if got2.Version != 2 || !got2.Published || got2.Runs != 1 || got2.Waiting != 0 || got2.Definition != nil {
			t.Errorf("v2: %+v", got2)
		}
		if got1.Version != 1 || got1.Published || got1.Runs != 1 || got1.Waiting != 1 || got1.PublishedAt.IsZero() {
			t.Errorf("v1: %+v", got1)
		}
		// v1 was published by the system (deploy), v2 by Ada, named as
		// she was then.
		if got1.PublishedBy != nil || got2.PublishedBy == nil || *got2.PublishedBy != (Publisher{ID: ada.ID, Name: "Ada Lovelace"}) {
			t.Errorf("publishers: v1 %+v, v2 %+v", got1.PublishedBy, got2.PublishedBy)
		}
		if one, err := f.svc.GetVersion(ctx, f.wsp.ID, w.ID, 2); err != nil || one.PublishedBy == nil || one.PublishedBy.ID != ada.ID {
			t.Errorf("GetVersion's publisher: %+v %v", one.PublishedBy, err)
		}

		// Paged one at a time: v2, then v1, then the end.
		first, err := f.svc.ListVersions(ctx, f.wsp.ID, w.ID, page.Request{Limit: 1})
		if err != nil || len(first.Data) != 1 || first.Data[0].Version != 2 || first.NextCursor == "" {
			t.Fatalf("first page: %+v, %v", first, err)
		}
		c, err := page.Decode(first.NextCursor, OrderVersions)
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.ListVersions(ctx, f.wsp.ID, w.ID, page.Request{Limit: 1, After: &c})
		if err != nil || len(second.Data) != 1 || second.Data[0].Version != 1 || second.Data[0].Runs != 1 || second.NextCursor != "" {
			t.Fatalf("second page: %+v, %v", second, err)
		}

		v, err := f.svc.GetVersion(ctx, f.wsp.ID, w.ID, 1)
		if err != nil || v.Definition == nil || v.Runs != 1 || v.Waiting != 1 || v.Published {
			t.Fatalf("version 1: %+v, %v", v, err)
		}
		if q := string(v.Definition.Steps[0].Settings); !strings.Contains(q, "v1 question") {
			t.Errorf("version 1 asks %s", q)
		}
		for _, n := range []int{0, 3} {
			if _, err := f.svc.GetVersion(ctx, f.wsp.ID, w.ID, n); apperr.KindOf(err) != apperr.KindNotFound {
				t.Errorf("version %d: %v, want not found", n, err)
			}
		}
		if _, err := f.svc.GetVersion(ctx, f.wsp.ID+1, w.ID, 1); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace's version: %v", err)
		}
		if _, err := f.svc.ListVersions(ctx, f.wsp.ID+1, w.ID, page.Request{Limit: 50}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("another workspace's versions: %v", err)
		}
	})
}

// TestVersionsNeverPublished lists no versions for a draft.
func TestVersionsNeverPublished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		def, err := ParseDefinition([]byte(strings.NewReplacer("%Q", "q", "%B", "b").Replace(versionFlow)))
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.Create(context.Background(), f.wsp.ID, def)
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.ListVersions(context.Background(), f.wsp.ID, w.ID, page.Request{Limit: 50})
		if err != nil || len(list.Data) != 0 || list.Data == nil {
			t.Fatalf("versions of a draft: %+v, %v", list, err)
		}
	})
}
