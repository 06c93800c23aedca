package conversation

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
)

// TestMessagesLockNeitherWorkspaceNorChannel: on PostgreSQL what is
// written for every message (a new contact, its identity, conversation,
// message and events; a reply and its outbound job) locks neither its
// workspace's row nor its channel's. Every write of a workspace names
// those two rows, from every connection of every node: a foreign key's
// check locked them FOR KEY SHARE, so each write joined a shared lock
// (a MultiXact rewritten at every new locker) on the same two rows.
// A row lock leaves its mark in the row's xmax; the marks must be the
// ones the fixture left (migration 044). Nor does a new contact lock
// the workspace's default lifecycle stage, which every new contact gets
// (migration 046).
func TestMessagesLockNeitherWorkspaceNorChannel(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	marks := func() (ws, ch, stage string) {
		t.Helper()
		if err := raw.QueryRow(`SELECT xmax::text FROM workspaces WHERE id = $1`, f.ws.ID).Scan(&ws); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRow(`SELECT xmax::text FROM channels WHERE id = $1`, f.channel.ID).Scan(&ch); err != nil {
			t.Fatal(err)
		}
		// The stage every new contact gets (migration 046).
		if err := raw.QueryRow(`SELECT xmax::text FROM lifecycle_stages WHERE workspace_id = $1 AND is_default = 1`, f.ws.ID).Scan(&stage); err != nil {
			t.Fatal(err)
		}
		return ws, ch, stage
	}
	ws0, ch0, stage0 := marks()

	got, err := f.svc.Receive(ctx, []Inbound{f.inbound("+14155550194", "m-194", "hi"), f.inbound("+14155550195", "m-195", "hello")})
	if err != nil {
		t.Fatal(err)
	}
	if ws, ch, stage := marks(); ws != ws0 || ch != ch0 || stage != stage0 {
		t.Errorf("receiving two messages from new contacts locked the workspace row (xmax %s, was %s), the channel row (xmax %s, was %s) or the default lifecycle stage's (xmax %s, was %s)",
			ws, ws0, ch, ch0, stage, stage0)
	}
	var staged int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM contacts c JOIN lifecycle_stages s ON s.id = c.lifecycle_stage_id AND s.is_default = 1 WHERE c.workspace_id = $1`,
		f.ws.ID).Scan(&staged); err != nil {
		t.Fatal(err)
	}
	if staged < 2 {
		t.Errorf("%d contacts at the default stage, want the two new ones: the stage's lock mark was not put to the test", staged)
	}
	if _, err := f.svc.Send(ctx, access.System(f.ws.ID), got[0].ConversationID, SendInput{Text: "Hello!", Sender: SourceAPI}); err != nil {
		t.Fatal(err)
	}
	if ws, ch, _ := marks(); ws != ws0 || ch != ch0 {
		t.Errorf("a reply locked the workspace row (xmax %s, was %s) or the channel row (xmax %s, was %s)", ws, ws0, ch, ch0)
	}
}

// No contact names a lifecycle stage that no longer exists, though
// PostgreSQL has no foreign key to refuse one (migration 046): new
// contacts keep arriving on several connections while the workspace's
// default stage is moved to a new stage and the old one deleted, over and
// over. What holds it: a receive reads the default stage in its own
// transaction, and moving the default and deleting a stage are exclusive
// writes, so none runs between that read and the contact's insert.
func TestNewContactsNeverNameADeletedStage(t *testing.T) {
	f, raw := pgFixture(t)
	ctx := context.Background()
	stages := contact.New(f.db)
	const senders, moves = 4, 12
	// The senders write until the moves are over, and once more after
	// them: contacts arrive through every move, whatever the machine's
	// speed, and the last ones take the stage that stays the default.
	var wg sync.WaitGroup
	var moved atomic.Bool
	var sent atomic.Int64
	errs := make(chan error, senders)
	for s := range senders {
		wg.Go(func() {
			for i, last := 0, false; !last; i++ {
				last = moved.Load()
				ext := fmt.Sprintf("+1415%03d%04d", s, i)
				if _, err := f.svc.Receive(ctx, []Inbound{f.inbound(ext, "m-"+ext, "hi")}); err != nil {
					errs <- err
					return
				}
				sent.Add(1)
			}
		})
	}
	yes := true
	for i := range moves {
		var old int64
		if err := raw.QueryRow(`SELECT id FROM lifecycle_stages WHERE workspace_id = $1 AND is_default = 1`, f.ws.ID).Scan(&old); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("Stage %d", i)
		next, err := stages.CreateStage(ctx, f.ws.ID, contact.StageInput{Name: &name, IsDefault: &yes})
		if err != nil {
			t.Fatal(err)
		}
		if !next.IsDefault {
			t.Fatalf("%s is not the default", name)
		}
		if err := stages.DeleteStage(ctx, f.ws.ID, old); err != nil {
			t.Fatal(err)
		}
	}
	moved.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var contacts, dangling, staged int
	if err := raw.QueryRow(`SELECT COUNT(*),
		COUNT(*) FILTER (WHERE lifecycle_stage_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM lifecycle_stages s WHERE s.id = c.lifecycle_stage_id)),
		COUNT(lifecycle_stage_id) FROM contacts c WHERE workspace_id = $1`, f.ws.ID).Scan(&contacts, &dangling, &staged); err != nil {
		t.Fatal(err)
	}
	if contacts != int(sent.Load()) {
		t.Fatalf("%d contacts, want %d", contacts, sent.Load())
	}
	if dangling != 0 {
		t.Errorf("%d of %d contacts name a deleted lifecycle stage", dangling, contacts)
	}
	if staged == 0 {
		t.Errorf("no contact has a stage: the stages' deletion was not put to the test")
	}
}
