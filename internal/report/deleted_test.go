package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/report"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// TestDeletedContactProjectsAsTheRebuildDoes: deleting a contact erases
// their events to ids and what happened (event.Erased), and the reports
// keep counting their conversations. Every figure must still be what the
// log gives: a rebuild after the deletion, from the erased events, ends
// with the rows the projection made as it happened — the assignment's
// strategy, the first response, the closing category included.
func TestDeletedContactProjectsAsTheRebuildDoes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		clk := clock.NewFake(day)
		d.SetClock(clk)
		wss := workspace.New(d)
		w, err := wss.Create(ctx, "Acme", "UTC")
		must(t, err)
		agent, err := wss.CreateUser(ctx, w.ID, workspace.NewUser{Email: "ana@acme.test", Name: "Ana", Role: "agent"})
		must(t, err)
		must(t, d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO closing_categories (workspace_id, name, created_at) VALUES (?, 'Billing', 0)`, w.ID)
			return err
		}))
		channel := customChannel(t, d, w.ID)
		convs, contacts := conversation.New(d), contact.New(d)
		svc := report.New(d, report.Options{})
		project := liveProjection(t, d, svc)
		sys := access.System(w.ID)
		for i, ext := range []string{"erin", "kept"} {
			clk.Set(day.Add(time.Duration(i) * time.Hour))
			res, err := convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: w.ID, ChannelID: channel,
				ExternalID: ext, Type: "text", Text: "my card was charged twice"}})
			must(t, err)
			conv := res[0].ConversationID
			clk.Set(clk.Now().Add(2 * time.Minute))
			must(t, d.Write(ctx, func(tx *db.Tx) error {
				_, err := conversation.AssignTx(ctx, tx, w.ID, conv, conversation.AssignInput{UserID: agent.ID, Source: "workflow",
					Reason: "Round robin: Ana was next", Detail: map[string]any{"target": "workspace", "strategy": "round_robin", "summary": "Ana was next"}})
				return err
			}))
			clk.Set(clk.Now().Add(3 * time.Minute))
			_, err = convs.Send(ctx, conversation.Principal{WorkspaceID: w.ID, UserID: agent.ID, Role: access.RoleOwner}, conv,
				conversation.SendInput{Text: "Sorry Erin, refunded", Sender: "user", UserID: agent.ID})
			must(t, err)
			clk.Set(clk.Now().Add(10 * time.Minute))
			_, err = convs.Close(ctx, sys, conv, conversation.CloseInput{Source: conversation.SourceAPI, Category: "Billing", Summary: "Erin refunded"})
			must(t, err)
			project()
			if ext == "erin" {
				must(t, contacts.Delete(ctx, contact.Principal{WorkspaceID: w.ID, Role: access.RoleOwner}, res[0].ContactID))
				project()
			}
		}
		_, err = svc.CompactAll(ctx)
		must(t, err)
		live := dumpReport(t, d)
		if n := len(live["report_conversations"]); n != 2 {
			t.Fatalf("%d conversations in the reports, want 2 (the deleted contact's still counted)", n)
		}
		expectRebuildMatches(t, d, svc, live)
	})
}
