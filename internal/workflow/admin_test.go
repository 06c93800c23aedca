package workflow

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Every shipped template is a definition the engine publishes and starts.
func TestTemplatesPublish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		list := TemplateList()
		want := map[string]bool{"inbound_conversation": true, "least_open_assignment": true, "away_message": true, "collect_email_phone": true,
			"low_rating_follow_up": true}
		if len(list) != len(want) {
			t.Fatalf("templates %+v, want %d", list, len(want))
		}
		for _, tpl := range list {
			if !want[tpl.Name] || tpl.Title == "" || tpl.Description == "" || tpl.TriggerType == "" || tpl.Steps == 0 {
				t.Fatalf("template %+v", tpl)
			}
			w, err := f.svc.CreateFrom(context.Background(), f.wsp.ID, tpl.Name)
			if err != nil {
				t.Fatalf("%s: %v", tpl.Name, err)
			}
			if w.Status != WorkflowDraft || w.TriggerType != tpl.TriggerType {
				t.Fatalf("%s: created %s with trigger %q", tpl.Name, w.Status, w.TriggerType)
			}
			if w, err = f.svc.Publish(context.Background(), f.wsp.ID, w.ID, Edit{}); err != nil {
				t.Fatalf("%s does not publish: %v", tpl.Name, err)
			}
			if w, err = f.svc.SetActive(context.Background(), f.wsp.ID, w.ID, true); err != nil || w.Status != WorkflowPublished {
				t.Fatalf("%s: start: %v %s", tpl.Name, err, w.Status)
			}
		}
		if _, err := f.svc.CreateFrom(context.Background(), f.wsp.ID, "nope"); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("unknown template: %v", err)
		}
		blank, err := f.svc.CreateFrom(context.Background(), f.wsp.ID, "")
		if err != nil || blank.Status != WorkflowDraft {
			t.Fatalf("blank: %v %+v", err, blank)
		}
	})
}

// The list says each workflow's status and its runs; a workflow whose
// runs wait is deleted only with force, which stops them; duplicate
// makes a stopped draft named "… (copy)".
func TestListStatsDuplicateDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		def, err := TemplateDefinition("collect_email_phone")
		if err != nil {
			t.Fatal(err)
		}
		// Its questions wait for ever here: the runs must still be
		// waiting a day later. With the template's hour the first
		// timeout falls due within the day, and whether the second
		// question then times out within it too depends on the time the
		// engine reads on waking, anywhere between the first's due time
		// and the end of the Advance.
		for i, st := range def.Steps {
			var settings map[string]any
			if err := json.Unmarshal(st.Settings, &settings); err != nil {
				t.Fatal(err)
			}
			delete(settings, "timeout_seconds")
			if def.Steps[i].Settings, err = json.Marshal(settings); err != nil {
				t.Fatal(err)
			}
		}
		w := f.deployDef(def)
		got := f.write("+14155550101", "Hello")
		f.waitStatus(w.ID, got.ConversationID, StatusWaitingReply)
		f.write("+14155550102", "Hello too")
		f.eventually("two waiting runs", func() bool {
			return f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ? AND status = ?`, w.ID, StatusWaitingReply) == 2
		})
		stopped, err := f.svc.Create(ctx, f.wsp.ID, def)
		if err != nil {
			t.Fatal(err)
		}

		list, err := f.svc.List(ctx, f.wsp.ID, page.Request{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != 2 {
			t.Fatalf("%d workflows", len(list.Data))
		}
		a, b := list.Data[0], list.Data[1]
		if a.Status != WorkflowPublished || a.TriggerType != "conversation_opened" || a.PublishedVersion != 1 ||
			a.Stats == nil || a.Stats.Runs24h != 2 || a.Stats.Waiting != 2 {
			t.Fatalf("published one: %s %s v%d %+v", a.Status, a.TriggerType, a.PublishedVersion, a.Stats)
		}
		if b.Status != WorkflowDraft || b.Stats == nil || b.Stats.Runs24h != 0 || b.Stats.Waiting != 0 {
			t.Fatalf("draft: %s %+v", b.Status, b.Stats)
		}
		f.clock.Advance(25 * 60 * 60 * 1e9)
		list, _ = f.svc.List(ctx, f.wsp.ID, page.Request{Limit: 50})
		if s := list.Data[0].Stats; s.Runs24h != 0 || s.Waiting != 2 {
			t.Fatalf("a day later: %+v", s)
		}
		if _, err := f.svc.SetActive(ctx, f.wsp.ID, w.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.svc.Get(ctx, f.wsp.ID, w.ID); got.Status != WorkflowStopped {
			t.Fatalf("after stop: %s", got.Status)
		}

		cp, err := f.svc.Duplicate(ctx, f.wsp.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Name != def.Name+" (copy)" || cp.Status != WorkflowDraft || cp.Active || cp.Draft == nil || len(cp.Draft.Steps) != len(def.Steps) {
			t.Fatalf("copy: %+v", cp)
		}
		if n := copyName(strings.Repeat("é", MaxNameLen)); len([]rune(n)) != MaxNameLen || !strings.HasSuffix(n, " (copy)") {
			t.Fatalf("long copy name: %d runes", len([]rune(n)))
		}

		err = f.svc.DeleteChecked(ctx, f.wsp.ID, w.ID, false)
		if apperr.KindOf(err) != apperr.KindConflict || !strings.Contains(err.Error(), "2 runs are waiting") {
			t.Fatalf("delete with waiting runs: %v", err)
		}
		if _, err := f.svc.Get(ctx, f.wsp.ID, w.ID); err != nil {
			t.Fatalf("a refused delete deleted: %v", err)
		}
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, w.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(ctx, f.wsp.ID, w.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("after a forced delete: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM workflow_runs WHERE workflow_id = ?`, w.ID); n != 0 {
			t.Fatalf("%d runs left", n)
		}
		if err := f.svc.DeleteChecked(ctx, f.wsp.ID, stopped.ID, false); err != nil {
			t.Fatalf("a workflow without runs: %v", err)
		}
	})
}

// StepStats counts the runs that took each exit over the last 7 days.
func TestStepStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		w := f.deploy(`{"name": "Hi", "trigger": {"type": "conversation_opened", "conditions": {"sources": ["contact"]}},
			"steps": [{"id": "hi", "type": "send_message", "settings": {"text": "Hi"}, "exits": {"next": "note"}},
			          {"id": "note", "type": "add_comment", "settings": {"text": "greeted"}}]}`)
		for _, phone := range []string{"+14155550101", "+14155550102"} {
			got := f.write(phone, "Hello")
			f.waitStatus(w.ID, got.ConversationID, StatusFinished)
		}
		st, err := f.svc.StepStats(ctx, f.wsp.ID, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range st.Steps {
			if c.Step == "hi" && c.Exit == "next" {
				found = c.Runs == 2
			}
		}
		if !found {
			t.Fatalf("stats %+v, want hi/next taken by 2 runs", st.Steps)
		}
		f.clock.Advance(8 * 24 * 60 * 60 * 1e9)
		if st, _ = f.svc.StepStats(ctx, f.wsp.ID, w.ID); len(st.Steps) != 0 {
			t.Fatalf("8 days later: %+v", st.Steps)
		}
		if _, err := f.svc.StepStats(ctx, f.wsp.ID+1, w.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("another workspace's: %v", err)
		}
	})
}
