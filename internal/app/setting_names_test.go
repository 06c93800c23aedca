package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workflow"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// namedSettings is a node whose workspace has the closing category "Spam"
// and a published workflow naming it and the lifecycle stage "Customer".
type namedSettings struct {
	a        *app.App
	ws       int64
	category conversation.Category
	customer contact.Stage
	workflow workflow.Workflow
}

func newNamedSettings(t *testing.T) namedSettings {
	t.Helper()
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	ws, err := a.Workspaces.Create(ctx, "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	n := namedSettings{a: a, ws: ws.ID}
	if n.category, err = a.Conversations.CreateCategory(ctx, ws.ID, "Spam"); err != nil {
		t.Fatal(err)
	}
	stages, err := a.Contacts.ListStages(ctx, ws.ID, page.First())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stages.Data {
		if st.Name == "Customer" {
			n.customer = st
		}
	}
	d, err := workflow.ParseDefinition([]byte(`{"name": "Closed as spam", "trigger": {"type": "conversation_closed",
		"conditions": {"categories": ["Spam"]}}, "steps": [{"id": "s", "type": "update_lifecycle", "settings": {"stage": "Customer"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n.workflow, err = a.Workflows.Create(ctx, ws.ID, d); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Workflows.Publish(ctx, ws.ID, n.workflow.ID, workflow.Edit{}); err != nil {
		t.Fatal(err)
	}
	return n
}

// A node carries a renamed lifecycle stage or closing category into the
// workflows that name it: the settings services reach the workflows
// through what the node wires.
func TestNodeCarriesSettingRenamesIntoWorkflows(t *testing.T) {
	ctx := context.Background()
	n := newNamedSettings(t)
	if _, err := n.a.Conversations.RenameCategory(ctx, n.ws, n.category.ID, "Junk"); err != nil {
		t.Fatal(err)
	}
	client := "Client"
	if _, err := n.a.Contacts.UpdateStage(ctx, n.ws, n.customer.ID, contact.StageInput{Name: &client}); err != nil {
		t.Fatal(err)
	}
	got, err := n.a.Workflows.Get(ctx, n.ws, n.workflow.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c, s := string(got.Published.Trigger.Conditions), string(got.Published.Steps[0].Settings); c != `{"categories":["Junk"]}` ||
		s != `{"stage":"Client"}` {
		t.Fatalf("after the renames the published version has %s and %s; want the new names", c, s)
	}
}

// A node refuses to delete a lifecycle stage or a closing category that a
// workflow names, with a conflict naming the workflow.
func TestNodeRefusesDeletingSettingsAWorkflowNames(t *testing.T) {
	ctx := context.Background()
	n := newNamedSettings(t)
	for what, del := range map[string]func() error{
		"the category": func() error { return n.a.Conversations.DeleteCategory(ctx, n.ws, n.category.ID) },
		"the stage":    func() error { return n.a.Contacts.DeleteStage(ctx, n.ws, n.customer.ID) },
	} {
		if err := del(); apperr.KindOf(err) != apperr.KindConflict || !strings.Contains(err.Error(), `"Closed as spam"`) {
			t.Errorf("deleting %s a workflow names: %v; want a conflict naming the workflow", what, err)
		}
	}
}

// An inbox saved view filters on a tag or a lifecycle stage by name. A
// rename reached the workflows but not the views: the view "VIPs at
// Customer" went on filtering on the old names and showed nothing. A
// node carries a tag's or a stage's rename into the saved views too.
func TestNodeCarriesTagAndStageRenamesIntoSavedViews(t *testing.T) {
	ctx := context.Background()
	n := newNamedSettings(t)
	u, err := n.a.Workspaces.CreateUser(ctx, n.ws, workspace.NewUser{Email: "ann@acme.test", Name: "Ann", Role: workspace.RoleOwner})
	if err != nil {
		t.Fatal(err)
	}
	p := access.Principal{WorkspaceID: n.ws, UserID: u.ID, Role: access.RoleOwner}
	vip, err := n.a.Contacts.CreateTag(ctx, n.ws, contact.Tag{Name: "VIP"})
	if err != nil {
		t.Fatal(err)
	}
	both, err := n.a.Conversations.CreateView(ctx, p, conversation.ViewInput{Name: "VIPs at Customer",
		Filter: conversation.ListFilter{Tag: "VIP", Stage: "Customer"}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := n.a.Conversations.CreateView(ctx, p, conversation.ViewInput{Name: "Leads", Filter: conversation.ListFilter{Stage: "New Lead"}})
	if err != nil {
		t.Fatal(err)
	}
	name := "V.I.P."
	if _, err := n.a.Contacts.UpdateTag(ctx, n.ws, vip.ID, contact.TagUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	client := "Client"
	if _, err := n.a.Contacts.UpdateStage(ctx, n.ws, n.customer.ID, contact.StageInput{Name: &client}); err != nil {
		t.Fatal(err)
	}
	got, err := n.a.Conversations.GetView(ctx, p, both.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Filter.Tag != "V.I.P." || got.Filter.Stage != "Client" {
		t.Errorf("after the renames the view filters on tag %q, stage %q; want the new names", got.Filter.Tag, got.Filter.Stage)
	}
	if got, err := n.a.Conversations.GetView(ctx, p, other.ID); err != nil || got.Filter.Stage != "New Lead" {
		t.Errorf("a view of another stage: %+v %v", got.Filter, err)
	}
}
