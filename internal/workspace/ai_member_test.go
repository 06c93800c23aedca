package workspace

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An AI agent member (internal/aiagent) has no sign-in and works as an
// agent: it cannot be made an owner or a manager, nor given a password
// (422, not a 500 for its missing account), and it never counts as the
// owner who must remain, so the last human owner cannot step down behind
// it.
func TestAIAgentMemberStaysAnAgent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, ws, owner, bot := newAIMember(t, d)
		for _, in := range []UserUpdate{{Role: ptr(RoleOwner)}, {Role: ptr(RoleManager)}, {Password: ptr("a-long-password")}} {
			if _, err := s.UpdateUser(ctx, ws.ID, bot, in); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("update of the AI agent member %+v: %v; want 422", in, err)
			}
		}
		if u, err := s.GetUser(ctx, ws.ID, bot); err != nil || u.Role != RoleAgent {
			t.Fatalf("the AI agent member is %+v (%v); want an agent still", u, err)
		}
		// Data from before the check: an AI agent member with the owner role.
		if err := d.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE users SET role = 'owner' WHERE id = ?`, bot)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, ws.ID, owner.ID, UserUpdate{Role: ptr(RoleAgent)}); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("the last human owner stepped down beside an AI agent owner: %v; want 409", err)
		}
	})
}

// Deleting an AI agent member as a user (DELETE /api/v1/users/{id}) is a
// 409 pointing to its own route, not a 500 for its missing account or its
// ai_agents row; the member stays.
func TestAIAgentMemberIsNotDeletedAsAUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, ws, _, bot := newAIMember(t, d)
		if err := s.DeleteUser(ctx, ws.ID, bot); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("delete of the AI agent member: %v; want 409", err)
		}
		if _, err := s.GetUser(ctx, ws.ID, bot); err != nil {
			t.Fatalf("the AI agent member is gone: %v", err)
		}
	})
}

// An AI agent member can never sign in (docs/ai.md), so no token acts as
// it either: creating one is a 422, where it used to make a token whose
// GET /api/v1/me failed with a 500 on the member's missing account.
func TestAIAgentMemberHasNoToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, ws, _, bot := newAIMember(t, d)
		for _, kind := range []string{KindAPI, KindSession} {
			if tok, _, err := s.CreateToken(ctx, ws.ID, NewToken{Name: "bot", Kind: kind, UserID: bot}); apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("%s token for the AI agent member: %+v, %v; want 422", kind, tok, err)
			}
		}
	})
}

// newAIMember makes a workspace with a human owner and an AI agent member
// as internal/aiagent writes one: a user of kind ai_agent with no account,
// and its ai_agents row.
func newAIMember(t *testing.T, d *db.DB) (s *Service, ws Workspace, owner User, bot int64) {
	t.Helper()
	ctx := context.Background()
	s = New(d)
	ws, err := s.Create(ctx, "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	if owner, err = s.CreateUser(ctx, ws.ID, NewUser{Email: "o@acme.io", Name: "O", Role: RoleOwner}); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO users (workspace_id, account_id, name, role, status, created_at, kind)
			VALUES (?, NULL, 'Bot', 'agent', 'online', 0, 'ai_agent') RETURNING id`, ws.ID).Scan(&bot); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO ai_agents (user_id, workspace_id, created_at, updated_at) VALUES (?, ?, 0, 0)`, bot, ws.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s, ws, owner, bot
}
