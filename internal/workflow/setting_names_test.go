package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// stageID is the id of the fixture workspace's lifecycle stage name.
func (f *fixture) stageID(name string) int64 {
	f.t.Helper()
	list, err := f.contacts.ListStages(context.Background(), f.wsp.ID, page.First())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, st := range list.Data {
		if st.Name == name {
			return st.ID
		}
	}
	f.t.Fatalf("no lifecycle stage %q", name)
	return 0
}

// comments are the texts of a conversation's comments, in order.
func (f *fixture) comments(conversationID int64) []string {
	f.t.Helper()
	pg, err := f.conv.ListComments(context.Background(), access.System(f.wsp.ID), conversationID, page.First())
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, c := range pg.Data {
		out = append(out, c.Text)
	}
	return out
}

// settingsOf is the JSON of a definition's trigger conditions and of each
// of its steps' settings, joined by spaces.
func settingsOf(d *Definition) string {
	out := []string{string(d.Trigger.Conditions)}
	for _, st := range d.Steps {
		out = append(out, string(st.Settings))
	}
	return strings.Join(out, " ")
}

// Renaming a lifecycle stage carries the new name into every workflow of
// the workspace that names it — the Lifecycle Updated trigger, a
// schedule's contacts, Branch conditions on the stage, Update Lifecycle —
// in published versions (even one a run waits on) and drafts, and the
// workflows go on working with the new name; another workspace's
// workflows naming a stage of the same name are left alone.
func TestRenamingALifecycleStageCarriesIntoWorkflows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		moved := f.deploy(`{"name": "moved", "trigger": {"type": "lifecycle_updated", "conditions": {"to": ["Customer"]}},
			"steps": [{"id": "b", "type": "branch", "settings": {"branches": [{"conditions": [
				{"subject": "lifecycle", "operator": "equals", "value": "customer"},
				{"subject": "variable", "name": "trigger.to", "operator": "has_any_of", "values": ["Hot Lead", "Customer"]}]},
				{"conditions": [{"subject": "variable", "name": "contact.lifecycle", "operator": "contains", "value": "Customer"}]}]},
				"exits": {"branch[0]": "yes", "branch[1]": "no", "else": "no"}},
			{"id": "yes", "type": "add_comment", "settings": {"text": "matched"}},
			{"id": "no", "type": "add_comment", "settings": {"text": "else"}}]}`)
		draft, err := ParseDefinition([]byte(`{"name": "moved", "trigger": {"type": "lifecycle_updated", "conditions": {"to": ["Customer", "Hot Lead"]}},
			"steps": [{"id": "s", "type": "update_lifecycle", "settings": {"stage": "Customer"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveDraft(ctx, f.wsp.ID, moved.ID, draft, Edit{}); err != nil {
			t.Fatal(err)
		}
		schedule := f.deploy(`{"name": "weekly", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * 1",
			"contacts": {"lifecycle": "Customer", "limit": 5}}}, "steps": [{"id": "n", "type": "add_comment", "settings": {"text": "hi"}}]}`)
		waiting := f.manual("later", `[{"id": "w", "type": "wait", "settings": {"seconds": 60}, "exits": {"next": "s"}},
			{"id": "s", "type": "update_lifecycle", "settings": {"stage": "Customer"}}]`)
		other, err := f.ws.Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.svc.Create(ctx, other.ID, draft)
		if err != nil {
			t.Fatal(err)
		}

		got := f.write("+14155550600", "hi")
		run := f.startFor(waiting, got.ContactID)
		f.eventually("the run to wait", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE id = ? AND status = ?`, run, StatusWaitingTimer) == 1
		})
		client := "Client"
		if _, err := f.contacts.UpdateStage(ctx, f.wsp.ID, f.stageID("Customer"), contact.StageInput{Name: &client}); err != nil {
			t.Fatal(err)
		}

		w, err := f.svc.Get(ctx, f.wsp.ID, moved.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"to":["Client"]} {"branches":[{"conditions":[{"operator":"equals","subject":"lifecycle","value":"Client"},` +
			`{"name":"trigger.to","operator":"has_any_of","subject":"variable","values":["Hot Lead","Client"]}]},` +
			// contains compares with a part of a name: it is left as written.
			`{"conditions":[{"name":"contact.lifecycle","operator":"contains","subject":"variable","value":"Customer"}]}]} {"text":"matched"} {"text":"else"}`
		if s := settingsOf(w.Published); s != want {
			t.Errorf("published version after the rename:\n%s\nwant\n%s", s, want)
		}
		if s := settingsOf(w.Draft); s != `{"to":["Client","Hot Lead"]} {"stage":"Client"}` {
			t.Errorf("draft after the rename: %s", s)
		}
		if w, _ := f.svc.Get(ctx, f.wsp.ID, schedule.ID); string(w.Published.Trigger.Conditions) !=
			`{"contacts":{"lifecycle":"Client","limit":5},"cron":"0 9 * * 1"}` {
			t.Errorf("schedule after the rename: %s", w.Published.Trigger.Conditions)
		}
		if w, _ := f.svc.Get(ctx, other.ID, theirs.ID); settingsOf(w.Draft) != `{"to":["Customer","Hot Lead"]} {"stage":"Customer"}` {
			t.Errorf("another workspace's draft was changed: %s", settingsOf(w.Draft))
		}

		// The waiting run's Update Lifecycle moves the contact to the
		// renamed stage, which fires the Lifecycle Updated trigger, whose
		// Branch matches.
		f.clock.Advance(time.Minute)
		if r := f.settle(waiting, run); r.Status != StatusFinished {
			t.Fatalf("the run waiting through the rename: %s %s", r.Status, r.Error)
		}
		f.waitStatus(moved.ID, got.ConversationID, StatusFinished)
		if c := f.comments(got.ConversationID); len(c) != 1 || c[0] != "matched" {
			t.Fatalf("comments %q; want the Branch to match the renamed stage", c)
		}
	})
}

// Renaming a closing category carries the new name into every workflow of
// the workspace that names it — the Conversation Closed trigger, a Branch
// on {{trigger.category}}, Close Conversation — and the trigger fires
// for conversations closed with the new name.
func TestRenamingAClosingCategoryCarriesIntoWorkflows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		spam, err := f.conv.CreateCategory(ctx, f.wsp.ID, "Spam")
		if err != nil {
			t.Fatal(err)
		}
		closed := f.deploy(`{"name": "closed", "trigger": {"type": "conversation_closed", "conditions": {"categories": ["Spam", "Other"]}},
			"steps": [{"id": "b", "type": "branch", "settings": {"branches": [{"conditions": [
				{"subject": "variable", "name": "trigger.category", "operator": "equals", "value": "Spam"}]}]},
				"exits": {"branch[0]": "yes", "else": "no"}},
			{"id": "yes", "type": "add_comment", "settings": {"text": "spam"}},
			{"id": "no", "type": "add_comment", "settings": {"text": "else"}}]}`)
		closer := f.manual("closer", `[{"id": "c", "type": "close_conversation", "settings": {"category": "Spam", "summary": "Spam"}}]`)
		if _, err := f.conv.RenameCategory(ctx, f.wsp.ID, spam.ID, "Junk"); err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.Get(ctx, f.wsp.ID, closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := settingsOf(w.Published); !strings.HasPrefix(s, `{"categories":["Junk","Other"]} {"branches":[{"conditions":[{"name":"trigger.category","operator":"equals","subject":"variable","value":"Junk"}]}]}`) {
			t.Errorf("published version after the rename: %s", s)
		}
		// The summary is text, not a category: it keeps the old name.
		if w, _ := f.svc.Get(ctx, f.wsp.ID, closer.ID); string(w.Published.Steps[0].Settings) != `{"category":"Junk","summary":"Spam"}` {
			t.Errorf("Close Conversation after the rename: %s", w.Published.Steps[0].Settings)
		}

		// The closer closes with the renamed category, which fires the
		// trigger, whose Branch matches it.
		got := f.write("+14155550601", "hi")
		if r := f.settle(closer, f.startFor(closer, got.ContactID)); r.Status != StatusFinished {
			t.Fatalf("close with the renamed category: %s %s", r.Status, r.Error)
		}
		c, err := f.conv.Get(ctx, access.System(f.wsp.ID), got.ConversationID)
		if err != nil || c.CloseCategory != "Junk" {
			t.Fatalf("closed with %+v, %v", c, err)
		}
		f.waitStatus(closed.ID, got.ConversationID, StatusFinished)
		if c := f.comments(got.ConversationID); len(c) != 1 || c[0] != "spam" {
			t.Fatalf("comments %q; want the Branch to match the renamed category", c)
		}
	})
}

// Deleting a lifecycle stage or a closing category that a workflow's draft
// or published version names is refused with a conflict naming the
// workflow; one that only a text mentions, or only another workspace's
// workflow names, is deleted, and so is one no longer named.
func TestDeletingAStageOrCategoryAWorkflowNamesIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		other, err := f.ws.Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		create := func(ws int64, def string) Workflow {
			t.Helper()
			d, err := ParseDefinition([]byte(def))
			if err != nil {
				t.Fatal(err)
			}
			w, err := f.svc.Create(ctx, ws, d)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		category := func(name string) func() error {
			c, err := f.conv.CreateCategory(ctx, f.wsp.ID, name)
			if err != nil {
				t.Fatal(err)
			}
			return func() error { return f.conv.DeleteCategory(ctx, f.wsp.ID, c.ID) }
		}
		stage := func(name string) func() error {
			st, err := f.contacts.CreateStage(ctx, f.wsp.ID, contact.StageInput{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			return func() error { return f.contacts.DeleteStage(ctx, f.wsp.ID, st.ID) }
		}
		for _, tc := range []struct {
			name     string
			delete   func() error
			def      string // a workflow of the workspace ("": none)
			publish  bool
			refused  bool
			theirDef string // another workspace's workflow
		}{
			{name: "a category a published trigger names", delete: category("Spam"), publish: true, refused: true,
				def: `{"name": "Spam closer", "trigger": {"type": "conversation_closed", "conditions": {"categories": ["Spam"]}},
					"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "x"}}]}`},
			{name: "a category a draft's Close Conversation names", delete: category("Resolved"), refused: true,
				def: `{"name": "Resolver", "trigger": {"type": "manual"},
					"steps": [{"id": "c", "type": "close_conversation", "settings": {"category": "Resolved"}}]}`},
			{name: "a category only a summary mentions", delete: category("Billing"),
				def: `{"name": "Summary", "trigger": {"type": "manual"},
					"steps": [{"id": "c", "type": "close_conversation", "settings": {"summary": "Billing"}}]}`},
			{name: "a category only another workspace names", delete: category("Refund"),
				theirDef: `{"name": "Theirs", "trigger": {"type": "conversation_closed", "conditions": {"categories": ["Refund"]}},
					"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "x"}}]}`},
			{name: "a stage a published Branch names", delete: stage("Trial"), publish: true, refused: true,
				def: `{"name": "Trial check", "trigger": {"type": "manual"}, "steps": [{"id": "b", "type": "branch", "settings": {"branches": [
					{"conditions": [{"subject": "lifecycle", "operator": "equals", "value": "trial"}]}]}}]}`},
			{name: "a stage a draft's Update Lifecycle names", delete: stage("Churned"), refused: true,
				def: `{"name": "Churn", "trigger": {"type": "manual"},
					"steps": [{"id": "s", "type": "update_lifecycle", "settings": {"stage": "Churned"}}]}`},
			{name: "a stage only a message mentions", delete: stage("Partner"),
				def: `{"name": "Hello partner", "trigger": {"type": "manual"},
					"steps": [{"id": "m", "type": "send_message", "settings": {"text": "Partner"}}]}`},
			{name: "a stage only another workspace names", delete: stage("Reseller"),
				theirDef: `{"name": "Theirs", "trigger": {"type": "lifecycle_updated", "conditions": {"to": ["Reseller"]}},
					"steps": [{"id": "n", "type": "add_comment", "settings": {"text": "x"}}]}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var w Workflow
				if tc.def != "" {
					w = create(f.wsp.ID, tc.def)
					if tc.publish {
						if _, err := f.svc.Publish(ctx, f.wsp.ID, w.ID, Edit{}); err != nil {
							t.Fatal(err)
						}
					}
				}
				if tc.theirDef != "" {
					create(other.ID, tc.theirDef)
				}
				err := tc.delete()
				if !tc.refused {
					if err != nil {
						t.Fatalf("delete: %v", err)
					}
					return
				}
				if apperr.KindOf(err) != apperr.KindConflict || !strings.Contains(err.Error(), `workflow "`+w.Name+`"`) {
					t.Fatalf("delete: %v; want a conflict naming workflow %q", err, w.Name)
				}
				if err := f.svc.Delete(ctx, f.wsp.ID, w.ID); err != nil {
					t.Fatal(err)
				}
				if err := tc.delete(); err != nil {
					t.Fatalf("delete once no workflow names it: %v", err)
				}
			})
		}
	})
}

// Renaming a tag carries the new name into every workflow of the
// workspace that names it — the Contact Tag Updated trigger, a schedule's
// contacts, Update Contact Tag, a Branch on the contact's tags or on
// {{trigger.tag}} — and the workflows go on working: the tagger adds the
// renamed tag (not a new one with the old name), which fires the trigger,
// whose Branch matches it.
func TestRenamingATagCarriesIntoWorkflows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		vip, err := f.contacts.CreateTag(ctx, f.wsp.ID, contact.Tag{Name: "VIP"})
		if err != nil {
			t.Fatal(err)
		}
		tagged := f.deploy(`{"name": "tagged", "trigger": {"type": "contact_tag_updated", "conditions": {"tags": ["VIP", "Other"], "action": "added"}},
			"steps": [{"id": "b", "type": "branch", "settings": {"branches": [{"conditions": [
				{"subject": "tag", "operator": "has_any_of", "values": ["vip"]},
				{"subject": "variable", "name": "trigger.tag", "operator": "equals", "value": "VIP"}]}]},
				"exits": {"branch[0]": "yes", "else": "no"}},
			{"id": "yes", "type": "add_comment", "settings": {"text": "VIP tagged"}},
			{"id": "no", "type": "add_comment", "settings": {"text": "else"}}]}`)
		schedule := f.deploy(`{"name": "weekly", "trigger": {"type": "schedule", "conditions": {"cron": "0 9 * * 1",
			"contacts": {"tag": "VIP"}}}, "steps": [{"id": "n", "type": "add_comment", "settings": {"text": "hi"}}]}`)
		tagger := f.manual("tagger", `[{"id": "t", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["VIP"]}}]`)
		name := "Gold"
		if _, err := f.contacts.UpdateTag(ctx, f.wsp.ID, vip.ID, contact.TagUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		w, err := f.svc.Get(ctx, f.wsp.ID, tagged.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := settingsOf(w.Published); !strings.HasPrefix(s, `{"action":"added","tags":["Gold","Other"]} {"branches":[{"conditions":[`+
			`{"operator":"has_any_of","subject":"tag","values":["Gold"]},{"name":"trigger.tag","operator":"equals","subject":"variable","value":"Gold"}]}]}`) {
			t.Errorf("published version after the rename: %s", s)
		}
		if w, _ := f.svc.Get(ctx, f.wsp.ID, schedule.ID); string(w.Published.Trigger.Conditions) != `{"contacts":{"tag":"Gold"},"cron":"0 9 * * 1"}` {
			t.Errorf("schedule after the rename: %s", w.Published.Trigger.Conditions)
		}

		got := f.write("+14155550602", "hi")
		if r := f.settle(tagger, f.startFor(tagger, got.ContactID)); r.Status != StatusFinished {
			t.Fatalf("tag with the renamed tag: %s %s", r.Status, r.Error)
		}
		if n := f.count(`SELECT COUNT(*) FROM tags WHERE workspace_id = ?`, f.wsp.ID); n != 1 {
			t.Fatalf("%d tags; want the renamed one alone (no new tag of the old name)", n)
		}
		f.waitStatus(tagged.ID, got.ConversationID, StatusFinished)
		if c := f.comments(got.ConversationID); len(c) != 1 || c[0] != "VIP tagged" {
			t.Fatalf("comments %q; want the Branch to match the renamed tag", c)
		}
	})
}

// A rename carried into a draft is a new revision of it: a builder open
// on the revision before, saving it, would put the old name back, so its
// save is refused (draft_changed) and the refusal says the settings
// renamed the tag. (The rename rewrote the draft under the same revision
// and the builder's save then won silently.)
func TestRenameIntoADraftRefusesASaveOfTheRevisionBefore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		vip, err := f.contacts.CreateTag(ctx, f.wsp.ID, contact.Tag{Name: "VIP"})
		if err != nil {
			t.Fatal(err)
		}
		def := func() Definition {
			d, err := ParseDefinition([]byte(`{"name": "tagger", "trigger": {"type": "manual"},
				"steps": [{"id": "t", "type": "update_contact_tag", "settings": {"action": "add", "tags": ["VIP"]}}]}`))
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		w, err := f.svc.Create(ctx, f.wsp.ID, def())
		if err != nil {
			t.Fatal(err)
		}
		name := "Gold"
		if _, err := f.contacts.UpdateTag(ctx, f.wsp.ID, vip.ID, contact.TagUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SaveDraft(ctx, f.wsp.ID, w.ID, def(), Edit{IfRevision: w.DraftRevision})
		if e := (*apperr.Error)(nil); !errors.As(err, &e) || e.Code != CodeDraftChanged || !strings.Contains(e.Message, `the settings (tag "VIP" renamed "Gold")`) {
			t.Fatalf("a save of the revision before the rename: %v, want draft_changed naming the rename", err)
		}
		got, err := f.svc.Get(ctx, f.wsp.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := settingsOf(got.Draft); !strings.Contains(s, `"Gold"`) || strings.Contains(s, `"VIP"`) || got.DraftRevision != w.DraftRevision+1 {
			t.Fatalf("draft after: revision %d, %s", got.DraftRevision, s)
		}
	})
}
