package contact_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// bulkAll runs a bulk action to its end, request after request, and
// answers each request's result.
func bulkAll(t *testing.T, s *contact.Service, p contact.Principal, in contact.BulkInput) []contact.BulkResult {
	t.Helper()
	var out []contact.BulkResult
	for {
		res, err := s.Bulk(context.Background(), p, in)
		if err != nil {
			t.Fatalf("bulk %+v: %v", in, err)
		}
		out = append(out, res)
		if res.Next == nil {
			return out
		}
		if len(out) > 10 {
			t.Fatalf("bulk %+v: no end after %d requests", in, len(out))
		}
		in.After = *res.Next
	}
}

func tagEvents(t *testing.T, d *db.DB, tag, action string) int {
	return dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'contact.tag.updated' AND payload LIKE ?`,
		fmt.Sprintf(`%%"action":"%s"%%"tag":"%s"%%`, action, tag))
}

// A filter's every contact is reached, BulkChunk at a time, each once, even
// when the action takes the contact out of the filter; contacts the filter
// leaves out are not touched, and a second pass changes nothing.
func TestBulkReachesEveryContactTheFilterKeeps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		const n = 2*contact.BulkChunk + 5
		for i := range n + 3 {
			in := contact.Input{FirstName: ptr(fmt.Sprint("C", i))}
			if i < n {
				in.Tags = []string{"imported"}
			}
			if _, err := f.svc.Create(ctx, f.ws, in); err != nil {
				t.Fatal(err)
			}
		}
		add := contact.BulkInput{Filter: map[string]string{"tag": "imported"}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: " vip "}}
		got := bulkAll(t, f.svc, f.system, add)
		if len(got) != 3 || got[0].Matched != contact.BulkChunk || got[2].Matched != 5 {
			t.Fatalf("requests %+v, want two of %d and one of 5", got, contact.BulkChunk)
		}
		changed := 0
		for _, r := range got {
			changed += r.Changed
		}
		if changed != n || tagEvents(t, d, "vip", "added") != n {
			t.Fatalf("changed %d, %d tag events; want %d", changed, tagEvents(t, d, "vip", "added"), n)
		}
		if c, _ := f.svc.Count(ctx, f.system, contact.ListFilter{Tag: "vip"}); c != n {
			t.Fatalf("%d contacts tagged vip, want %d", c, n)
		}
		again := bulkAll(t, f.svc, f.system, add)
		if again[0].Changed != 0 || tagEvents(t, d, "vip", "added") != n {
			t.Fatalf("a second pass: %+v, %d events", again, tagEvents(t, d, "vip", "added"))
		}
		// The filter names the tag taken off: each contact leaves it as it
		// is reached, and the next request goes on past the last one.
		bulkAll(t, f.svc, f.system, contact.BulkInput{Filter: map[string]string{"tag": "vip"}, Action: contact.BulkAction{Type: contact.BulkRemoveTag, Tag: "vip"}})
		if c, _ := f.svc.Count(ctx, f.system, contact.ListFilter{Tag: "vip"}); c != 0 || tagEvents(t, d, "vip", "removed") != n {
			t.Fatalf("%d still tagged vip, %d removal events", c, tagEvents(t, d, "vip", "removed"))
		}
		// Every contact ({}): the stage is set on all n+3.
		stage := "Customer"
		res := bulkAll(t, f.svc, f.system, contact.BulkInput{Filter: map[string]string{}, Action: contact.BulkAction{Type: contact.BulkSetLifecycle, Stage: &stage}})
		if c, _ := f.svc.Count(ctx, f.system, contact.ListFilter{Stage: stage}); c != n+3 || len(res) != 3 {
			t.Fatalf("%d contacts at %s after %d requests, want %d", c, stage, len(res), n+3)
		}
	})
}

// Contacts named by id: those that are not the caller's (missing, another
// workspace's) are said, not touched; a refused action, a bad target or a
// missing permission changes nothing at all.
func TestBulkByIDAndRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		other := newMergeFixture(t, d)
		ctx := context.Background()
		ids := f.contactsNamedC(t, 3)
		foreign, err := other.svc.Create(ctx, other.ws, contact.Input{FirstName: ptr("Theirs")})
		if err != nil {
			t.Fatal(err)
		}
		stage := "Customer"
		named := []int64{ids[0], 999999, ids[1], foreign.ID, ids[1]}
		res, err := f.svc.Bulk(ctx, f.system, contact.BulkInput{ContactIDs: named, Action: contact.BulkAction{Type: contact.BulkSetLifecycle, Stage: &stage}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Matched != 2 || res.Changed != 2 || res.Next != nil || !slices.Equal(res.Missing, []int64{999999, foreign.ID}) {
			t.Fatalf("result %+v", res)
		}
		if c, _ := other.svc.Get(ctx, other.system, foreign.ID); c.LifecycleStage == stage {
			t.Fatal("another workspace's contact was moved")
		}

		events := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`)
		unknown := "No such stage"
		manager := access.Principal{WorkspaceID: f.ws, UserID: 99, Role: access.RoleManager, Can: access.Permissions{SeeAllConversations: true}}
		tooMany := make([]int64, contact.BulkChunk+1)
		for i := range tooMany {
			tooMany[i] = int64(i + 1)
		}
		for _, c := range []struct {
			name string
			p    contact.Principal
			in   contact.BulkInput
			kind apperr.Kind
		}{
			// The first contact moves, the second's stage is refused: the
			// transaction keeps neither.
			{"unknown stage", f.system, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: contact.BulkSetLifecycle, Stage: &unknown}}, apperr.KindInvalid},
			{"no stage", f.system, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: contact.BulkSetLifecycle}}, apperr.KindInvalid},
			{"blank tag", f.system, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: " "}}, apperr.KindInvalid},
			{"no action", f.system, contact.BulkInput{ContactIDs: ids}, apperr.KindInvalid},
			{"unknown action", f.system, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: "merge"}}, apperr.KindInvalid},
			{"no target", f.system, contact.BulkInput{Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "x"}}, apperr.KindBadRequest},
			{"both targets", f.system, contact.BulkInput{ContactIDs: ids, Filter: map[string]string{}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "x"}}, apperr.KindBadRequest},
			{"bad filter", f.system, contact.BulkInput{Filter: map[string]string{"channel_id": "x"}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "x"}}, apperr.KindBadRequest},
			{"too many ids", f.system, contact.BulkInput{ContactIDs: tooMany, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "x"}}, apperr.KindInvalid},
			{"delete without the permission", manager, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: contact.BulkDelete}}, apperr.KindForbidden},
		} {
			_, err := f.svc.Bulk(ctx, c.p, c.in)
			if apperr.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`); got != events {
			t.Fatalf("refused requests appended %d events", got-events)
		}
		if c, _ := f.svc.Get(ctx, f.system, ids[0]); c.LifecycleStage != stage {
			t.Fatalf("a refused request moved the first contact to %q", c.LifecycleStage)
		}

		manager.Can.DeleteContacts = true
		res, err = f.svc.Bulk(ctx, manager, contact.BulkInput{ContactIDs: ids[:2], Action: contact.BulkAction{Type: contact.BulkDelete}})
		if err != nil || res.Changed != 2 {
			t.Fatalf("delete: %+v, %v", res, err)
		}
		if c, _ := f.svc.Count(ctx, f.system, contact.ListFilter{}); c != 1 ||
			dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'contact.deleted'`) != 2 {
			t.Fatalf("%d contacts left, want 1", c)
		}
	})
}

// A restricted agent reaches only the contacts they may see: by filter the
// others are not counted, by id they are missing, exactly like contacts
// that do not exist.
func TestBulkKeepsToWhatTheCallerMaySee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		hidden := f.receive(t, f.chA, "tg-1", "m1", contact.Input{FirstName: ptr("Hidden")}) // unassigned, no team
		lead, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Lead")})          // no conversation: everyone's
		if err != nil {
			t.Fatal(err)
		}
		agent := access.Principal{WorkspaceID: f.ws, UserID: 99, Role: access.RoleAgent}
		if n, _ := f.svc.Count(ctx, agent, contact.ListFilter{}); n != 1 {
			t.Fatalf("the agent counts %d contacts, want 1", n)
		}
		res, err := f.svc.Bulk(ctx, agent, contact.BulkInput{Filter: map[string]string{}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "seen"}})
		if err != nil || res.Matched != 1 {
			t.Fatalf("by filter: %+v, %v", res, err)
		}
		res, err = f.svc.Bulk(ctx, agent, contact.BulkInput{ContactIDs: []int64{hidden.ContactID, lead.ID}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "named"}})
		if err != nil || res.Matched != 1 || !slices.Equal(res.Missing, []int64{hidden.ContactID}) {
			t.Fatalf("by id: %+v, %v", res, err)
		}
		if c, _ := f.svc.Get(ctx, f.system, hidden.ContactID); len(c.Tags) != 0 {
			t.Fatalf("the hidden contact was tagged %v", c.Tags)
		}
	})
}

// Bulk requests and single-contact requests making the same change at once
// record it once per contact: a tag's event starts workflows.
func TestBulkBesideSingleChangesRecordsEachOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		ids := f.contactsNamedC(t, 20)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				var err error
				if g%2 == 0 {
					_, err = f.svc.Bulk(ctx, f.system, contact.BulkInput{Filter: map[string]string{}, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "hot"}})
				} else {
					for _, id := range ids[g:] {
						if err = f.svc.SetTag(ctx, f.system, id, "hot", true); err != nil {
							break
						}
					}
				}
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := tagEvents(t, d, "hot", "added"); got != len(ids) {
			t.Fatalf("%d tag events for %d contacts", got, len(ids))
		}
	})
}

// One bulk request is one transaction: a contact whose change fails (here
// a trigger refuses its tag) undoes the changes made to the contacts
// before it, their events included.
func TestBulkRequestIsAllOrNone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		ids := f.contactsNamedC(t, 3)
		refuse := []string{fmt.Sprintf(`CREATE TRIGGER refuse_tag BEFORE INSERT ON contact_tags WHEN NEW.contact_id = %d
			BEGIN SELECT RAISE(ABORT, 'refused'); END`, ids[2])}
		if d.Dialect == db.Postgres {
			refuse = []string{`CREATE FUNCTION refuse_tag() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql`,
				fmt.Sprintf(`CREATE TRIGGER refuse_tag BEFORE INSERT ON contact_tags FOR EACH ROW WHEN (NEW.contact_id = %d) EXECUTE FUNCTION refuse_tag()`, ids[2])}
		}
		if err := d.Write(ctx, func(tx *db.Tx) error {
			for _, q := range refuse {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		events := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`)
		if _, err := f.svc.Bulk(ctx, f.system, contact.BulkInput{ContactIDs: ids, Action: contact.BulkAction{Type: contact.BulkAddTag, Tag: "vip"}}); err == nil {
			t.Fatal("the refused tag was not an error")
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_tags`); n != 0 {
			t.Fatalf("%d contacts kept the tag after the request failed on the third", n)
		}
		if got := dbtest.Count(t, d, `SELECT COUNT(*) FROM events`); got != events {
			t.Fatalf("the failed request kept %d events", got-events)
		}
	})
}

// contactsNamedC creates n contacts, C0 to Cn-1, and returns their ids.
func (f *mergeFixture) contactsNamedC(t *testing.T, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		c, err := f.svc.Create(context.Background(), f.ws, contact.Input{FirstName: ptr(fmt.Sprint("C", i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}
