package conversation

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The write every assignment comes down to refuses a deactivated user,
// whoever decided it: routing's checks are not the only line.
func TestAssignTxRefusesADeactivatedUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ws := workspace.New(d)
		u, err := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: "a@acme.io", Name: "A"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Receive(ctx, []Inbound{f.inbound("+1555", "m1", "hi")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ws.DeactivateUser(ctx, f.ws.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
		err = d.Write(ctx, func(tx *db.Tx) error {
			_, err := AssignTx(ctx, tx, f.ws.ID, r[0].ConversationID, AssignInput{UserID: u.ID, Source: SourceAPI})
			return err
		})
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("assign a deactivated user = %v; want conflict", err)
		}
		c, _ := f.svc.Get(ctx, access.System(f.ws.ID), r[0].ConversationID)
		if c.AssigneeID != 0 {
			t.Fatalf("assigned to %d", c.AssigneeID)
		}
	})
}
