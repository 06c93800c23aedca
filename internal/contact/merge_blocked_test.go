package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A blocked contact merged into another blocks the one kept (and, merged
// the other way, the kept one stays blocked): the merged contact then
// keeps no open conversation, and their next message opens none.
func TestMergeKeepsABlock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		for _, blockFrom := range []bool{true, false} {
			f := newMergeFixture(t, d)
			ctx := context.Background()
			into := f.receive(t, f.chA, "a-1", "m1", contact.Input{FirstName: ptr("Ada")})
			from := f.receive(t, f.chB, "b-1", "m2", contact.Input{FirstName: ptr("Ada")})
			blocked := into.ContactID
			if blockFrom {
				blocked = from.ContactID
			}
			if _, err := f.svc.Block(ctx, f.system, blocked, true); err != nil {
				t.Fatal(err)
			}
			// The other still has its conversation open.
			res, err := f.svc.Merge(ctx, f.system, into.ContactID, contact.MergeInput{From: from.ContactID})
			if err != nil {
				t.Fatalf("merge (from blocked %v): %v", blockFrom, err)
			}
			if res.Contact.BlockedAt.IsZero() {
				t.Errorf("merge (from blocked %v): the kept contact is not blocked", blockFrom)
			}
			if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM conversations WHERE contact_id = ? AND status <> 'closed'`, into.ContactID); n != 0 {
				t.Errorf("merge (from blocked %v): %d open conversations for a blocked contact", blockFrom, n)
			}
			if r := f.receive(t, f.chB, "b-1", "m3", contact.Input{}); !r.Blocked || r.ConversationID != 0 {
				t.Errorf("merge (from blocked %v): the next message %+v, want it stored in no conversation", blockFrom, r)
			}
		}
	})
}
