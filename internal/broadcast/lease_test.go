package broadcast

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/due"
)

// TestLostLeaseWritesNothing: a node whose lease of a broadcast ran out
// (it stalled, and another node took the broadcast over) writes none of
// its batch when it wakes: the other node's recipients stand alone.
func TestLostLeaseWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		d.SetClock(clk)
		var ws, ch, contactID, id int64
		if err := d.Write(ctx, func(tx *db.Tx) error {
			now := tx.Now()
			if err := tx.QueryRow(ctx, `INSERT INTO workspaces (name, timezone, created_at) VALUES ('Acme', 'UTC', ?) RETURNING id`, now).Scan(&ws); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
				VALUES (?, 'custom', 'site', 't', '{}', ?) RETURNING id`, ws, now).Scan(&ch); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, created_at, updated_at) VALUES (?, 'Ana', ?, ?) RETURNING id`,
				ws, now, now).Scan(&contactID); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO contact_identities (workspace_id, channel_id, contact_id, external_id, created_at) VALUES (?, ?, ?, 'ana', ?)`,
				ws, ch, contactID, now); err != nil {
				return err
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		s := New(d, Options{Node: 1})
		owner := access.System(ws)
		name, text := "Stalled", Message{Type: "text", Text: "hi"}
		b, err := s.Create(ctx, owner, Input{Name: &name, ChannelID: &ch, Message: &text})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(ctx, owner, b.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		id = b.ID
		claim := func(node int64) int64 {
			now := d.Now()
			until := now + lease.Milliseconds()
			if err := d.Write(ctx, func(tx *db.Tx) error {
				got, err := due.Claim(ctx, tx, table, now, until, node, 1)
				if err == nil && len(got) != 1 {
					t.Fatalf("node %d claimed %v", node, got)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return until
		}
		stalled := claim(1)
		clk.Advance(lease + time.Second)
		taken := claim(2)
		if left, err := s.batch(ctx, id, taken); err != nil || left {
			t.Fatalf("the second node's batch: %v, %v", left, err)
		}
		if left, err := s.batch(ctx, id, stalled); err != nil || left {
			t.Fatalf("the stalled node's batch: %v, %v", left, err)
		}
		var recipients, messages int
		if err := d.Reader().QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM broadcast_recipients), (SELECT COUNT(*) FROM messages)`).
			Scan(&recipients, &messages); err != nil {
			t.Fatal(err)
		}
		if recipients != 1 || messages != 1 {
			t.Fatalf("%d recipients and %d messages; want one of each", recipients, messages)
		}
	})
}
