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

// TestMergedContactsProjectAsTheRebuildDoes: merging contact B into A
// rewrites the log (B's events name A from then on), so a rebuild sees
// one contact, created once, whose second conversation (B's, opened an
// hour after A's closed) is a reopen. The projection that saw the
// conversations before the merge must end with the same rows, and the
// same figures, when it projects contact.merged — not keep B apart until
// somebody rebuilds.
func TestMergedContactsProjectAsTheRebuildDoes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
		clk := clock.NewFake(day)
		d.SetClock(clk)
		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		must(t, err)
		channel := customChannel(t, d, w.ID)
		convs, contacts := conversation.New(d), contact.New(d)
		contacts.SetConversationCloser(conversation.CloseForMergeTx)
		svc := report.New(d, report.Options{})
		project := liveProjection(t, d, svc)
		receive := func(ext string) conversation.Received {
			res, err := convs.Receive(ctx, []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: w.ID, ChannelID: channel,
				ExternalID: ext, Type: "text", Text: "hello"}})
			must(t, err)
			return res[0]
		}
		sys := access.System(w.ID)

		a := receive("a")
		project()
		clk.Set(day.Add(30 * time.Minute))
		_, err = convs.Close(ctx, sys, a.ConversationID, conversation.CloseInput{Source: conversation.SourceAPI})
		must(t, err)
		project()
		clk.Set(day.Add(90 * time.Minute))
		b := receive("b")
		project()
		clk.Set(day.Add(2 * time.Hour))
		_, err = contacts.Merge(ctx, sys, a.ContactID, contact.MergeInput{From: b.ContactID})
		must(t, err)
		project()

		f := report.Filter{From: "2026-06-01", To: "2026-06-30"}
		figures := func() (int64, int64) {
			c, err := svc.Conversations(ctx, w.ID, f)
			must(t, err)
			k, err := svc.Contacts(ctx, w.ID, f)
			must(t, err)
			return c.Current.Reopened, k.Current.New
		}
		_, err = svc.CompactAll(ctx)
		must(t, err)
		liveReopened, liveNew := figures()
		live := dumpReport(t, d)

		expectRebuildMatches(t, d, svc, live)
		rebuiltReopened, rebuiltNew := figures()
		if rebuiltReopened != 1 || rebuiltNew != 1 {
			t.Fatalf("rebuilt: %d reopened, %d new contacts; want 1 and 1", rebuiltReopened, rebuiltNew)
		}
		if liveReopened != rebuiltReopened || liveNew != rebuiltNew {
			t.Errorf("projected as it happened: %d reopened, %d new contacts; rebuilt from the log: %d and %d",
				liveReopened, liveNew, rebuiltReopened, rebuiltNew)
		}
	})
}
