package workflow

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// RenderTx fills a text sent outside any run (the satisfaction survey's)
// from the conversation it names, through the caller's transaction; what
// only a run has renders empty.
func TestRenderTxOutsideARun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		agents := f.teams("Sales")
		r := f.write("ext-1", "hello")
		if err := f.assignByHand(r.ConversationID, agents["Sales"].ID); err != nil {
			t.Fatal(err)
		}
		text := "Thanks {{contact.first_name}}! {{assignee.name}} closed #{{conversation.id}} on {{system.current_date}}.[{{var.x}}{{trigger.y}}]"
		var got string
		err := d.Write(ctx, func(tx *db.Tx) error {
			// A write of the transaction itself is seen: the contact's new
			// first name, not the stored one.
			if _, err := tx.Exec(ctx, `UPDATE contacts SET first_name = 'Rita' WHERE id = ?`, r.ContactID); err != nil {
				return err
			}
			got = f.eng.RenderTx(ctx, tx, f.wsp.ID, r.ContactID, r.ConversationID, text)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("Thanks Rita! Sales agent closed #%d on 2026-03-02.[]", r.ConversationID)
		if got != want {
			t.Fatalf("RenderTx = %q, want %q", got, want)
		}
	})
}
