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

// On PostgreSQL the open-count trigger locks the routing_agents rows of a
// conversation's old and new assignee whenever its assignee changes or it
// closes. The transaction is told (db.Tx.NoteRowHeld), so that a claim
// later in the same batch keeps its lock order counting them.
func TestAssigneeChangesNoteTheAgentRowsTheTriggerLocks(t *testing.T) {
	if len(dbtest.Dialects()) < 2 {
		t.Skip(dbtest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	d := dbtest.Open(t, db.Postgres)
	f := newFixture(t, d)
	ws := workspace.New(d)
	var users []int64
	for _, email := range []string{"a@acme.io", "b@acme.io"} {
		u, err := ws.CreateUser(ctx, f.ws.ID, workspace.NewUser{Email: email, Name: email})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	lo, hi := users[0], users[1]
	team, err := ws.CreateTeam(ctx, f.ws.ID, workspace.TeamInput{Name: "desk", MemberIDs: users})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Receive(ctx, []Inbound{f.inbound("+1555", "m1", "hi")})
	if err != nil {
		t.Fatal(err)
	}
	id := r[0].ConversationID
	for _, step := range []struct {
		what string
		do   func(tx *db.Tx) error
		want int64 // the highest agent row the transaction holds
	}{
		{"assigned", func(tx *db.Tx) error {
			_, err := AssignTx(ctx, tx, f.ws.ID, id, AssignInput{UserID: hi, Source: SourceAPI})
			return err
		}, hi},
		{"reassigned", func(tx *db.Tx) error {
			_, err := AssignTx(ctx, tx, f.ws.ID, id, AssignInput{UserID: lo, Source: SourceAPI})
			return err
		}, hi},
		{"unassigned", func(tx *db.Tx) error {
			_, err := UnassignTx(ctx, tx, f.ws.ID, id, UnassignInput{Source: SourceAPI})
			return err
		}, lo},
		{"assigned by routing", func(tx *db.Tx) error {
			c, err := GetTx(ctx, tx, f.ws.ID, id)
			if err == nil {
				_, err = AssignDecidedTx(ctx, tx, Decided{c}, AssignInput{UserID: hi, Source: SourceAPI})
			}
			return err
		}, hi},
		{"team changed, assignee kept", func(tx *db.Tx) error {
			_, err := AssignTx(ctx, tx, f.ws.ID, id, AssignInput{UserID: hi, TeamID: team.ID, Source: SourceAPI})
			return err
		}, 0},
		{"closed", func(tx *db.Tx) error {
			_, err := CloseTx(ctx, tx, f.ws.ID, id, CloseInput{Source: SourceAPI})
			return err
		}, hi},
	} {
		var got int64
		if err := d.WriteConcurrent(ctx, func(tx *db.Tx) error {
			err := step.do(tx)
			got = tx.HighestRowHeld("routing_agents")
			return err
		}); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		if got != step.want {
			t.Fatalf("%s: the transaction holds agent rows up to %d, want %d", step.what, got, step.want)
		}
	}
}
