package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// A node's workflows reach a contact who never wrote as its API does: the
// Open Conversation step opens on an email channel by the contact's
// address, the node's channel service telling the engine how email
// reaches a contact.
func TestNodeWorkflowOpensByTheContactsEmail(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	a, _, res := runNode(t, db.SQLite, fake)
	ctx := context.Background()
	var mail int64
	if err := a.DB.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'email', 'Support mail', 'token-mail', '{}', ?) RETURNING id`, res.WorkspaceID, tx.Now()).Scan(&mail)
	}); err != nil {
		t.Fatal(err)
	}
	name, address := "Imported", "imported@example.com"
	who, err := a.Contacts.Create(ctx, res.WorkspaceID, contact.Input{FirstName: &name, Email: &address})
	if err != nil {
		t.Fatal(err)
	}
	d, err := workflow.ParseDefinition([]byte(fmt.Sprintf(`{"name": "Reach out", "trigger": {"type": "manual"},
		"steps": [{"id": "open", "type": "open_conversation", "settings": {"channel_id": %d}}]}`, mail)))
	if err != nil {
		t.Fatal(err)
	}
	w, err := a.Workflows.Create(ctx, res.WorkspaceID, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Workflows.Publish(ctx, res.WorkspaceID, w.ID, workflow.Edit{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Workflows.SetActive(ctx, res.WorkspaceID, w.ID, true); err != nil {
		t.Fatal(err)
	}
	run, err := a.Workflows.StartRun(ctx, res.WorkspaceID, w.ID, workflow.StartInput{ContactID: who.ID})
	if err != nil {
		t.Fatal(err)
	}
	backgroundtest.WaitIdle(t, a.Background)
	if run, err = a.Workflows.GetRun(ctx, res.WorkspaceID, w.ID, run.ID); err != nil || run.Status != workflow.StatusFinished || run.ConversationID == 0 {
		t.Fatalf("run %+v, %v", run, err)
	}
	var channelID int64
	var external string
	if err := a.DB.Reader().QueryRow(ctx, `SELECT c.channel_id, i.external_id FROM conversations c
		JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id WHERE c.id = ?`,
		run.ConversationID).Scan(&channelID, &external); err != nil || channelID != mail || external != address {
		t.Errorf("conversation on channel %d, identity %q, %v; want channel %d by %q", channelID, external, err, mail, address)
	}
}
