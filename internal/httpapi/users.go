package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workspaces.ListUsers(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "userID")
	if err != nil {
		return err
	}
	u, err := s.deps.Workspaces.GetUser(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, u)
	return nil
}

// createUser adds a user. Managers may add agents and managers; only an
// owner may make another owner, since managers have everything but
// ownership.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var in workspace.NewUser
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Role == workspace.RoleOwner && p.Role != workspace.RoleOwner {
		return apperr.Forbidden("only an owner may add an owner")
	}
	u, err := s.deps.Workspaces.CreateUser(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, u)
	return nil
}

// updateUser changes a user. Anyone may change their own name and status
// (their own password through PUT /api/v1/me/password, which needs the
// current one); managers may change other users except owners (changing
// an owner's password would take over the workspace); only owners change
// roles and permissions. A password set for someone else ends all their sessions.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "userID")
	if err != nil {
		return err
	}
	var in workspace.UserUpdate
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	target, err := s.deps.Workspaces.GetUser(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	self := p.UserID == id
	switch {
	case !self && !isManager(p):
		return apperr.Forbidden("you may change only your own user")
	case !self && p.Role == workspace.RoleManager && target.Role == workspace.RoleOwner:
		return apperr.Forbidden("a manager may not change an owner")
	case in.Role != nil && *in.Role != target.Role && p.Role != workspace.RoleOwner:
		return apperr.Forbidden("only an owner may change roles")
	case in.Permissions != nil && p.Role != workspace.RoleOwner:
		return apperr.Forbidden("only an owner may change permissions")
	case self && in.Password != nil:
		return apperr.Invalid("password", "change your own password with PUT /api/v1/me/password, which needs the current one")
	}
	var sessions []int64
	if in.Password != nil {
		// A reset ends every session of the user: their devices are
		// signed out with them, as signing out everywhere does, or the
		// user would stay online, taking conversations, with no session.
		if sessions, err = s.sessionIDs(r.Context(), p.WorkspaceID, id); err != nil {
			return err
		}
	}
	u, err := s.deps.Workspaces.UpdateUser(r.Context(), p.WorkspaceID, id, in)
	if err != nil {
		return err
	}
	for _, session := range sessions {
		s.signOutSessionDevice(r.Context(), p.WorkspaceID, id, session)
	}
	if in.Status != nil && s.deps.Routing != nil {
		// Availability follows the chosen status at once (and an agent
		// back to online drains the queues).
		if err := s.deps.Routing.StatusChanged(r.Context(), p.WorkspaceID, id); err != nil {
			return err
		}
	}
	httpjson.WriteJSON(w, http.StatusOK, u)
	return nil
}

// otherUser reads the {userID} a manager acts on, refusing the caller
// themself and, for a manager, an owner.
func (s *Server) otherUser(r *http.Request, verb string) (workspace.User, error) {
	p := Principal(r)
	id, err := PathID(r, "userID")
	if err != nil {
		return workspace.User{}, err
	}
	target, err := s.deps.Workspaces.GetUser(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return workspace.User{}, err
	}
	switch {
	case p.UserID == id:
		return workspace.User{}, apperr.Forbidden("you may not " + verb + " yourself; ask another owner or manager")
	case p.Role == workspace.RoleManager && target.Role == workspace.RoleOwner:
		return workspace.User{}, apperr.Forbidden("a manager may not " + verb + " an owner")
	}
	return target, nil
}

// deactivateUser stops a user from working while keeping their history:
// sign-in and every token of theirs are refused, their presence goes
// offline and routing takes back their conversations, in one transaction.
func (s *Server) deactivateUser(w http.ResponseWriter, r *http.Request) error {
	target, err := s.otherUser(r, "deactivate")
	if err != nil {
		return err
	}
	var also workspace.AlsoInTx
	if s.deps.Routing != nil {
		also = s.deps.Routing.DeactivatedTx
	}
	u, err := s.deps.Workspaces.DeactivateUser(r.Context(), target.WorkspaceID, target.ID, also)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, u)
	return nil
}

// reactivateUser lets a deactivated user sign in again.
func (s *Server) reactivateUser(w http.ResponseWriter, r *http.Request) error {
	target, err := s.otherUser(r, "reactivate")
	if err != nil {
		return err
	}
	u, err := s.deps.Workspaces.ReactivateUser(r.Context(), target.WorkspaceID, target.ID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, u)
	return nil
}

// deleteUser removes a user without history (409 otherwise: deactivate).
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	target, err := s.otherUser(r, "delete")
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.DeleteUser(r.Context(), target.WorkspaceID, target.ID); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// sessionIDs lists the ids of every live session of a user of the
// workspace.
func (s *Server) sessionIDs(ctx context.Context, workspaceID, userID int64) ([]int64, error) {
	var ids []int64
	for req := paging.All(); ; {
		pg, err := s.deps.Workspaces.Sessions(ctx, workspaceID, userID, 0, req)
		if err != nil {
			return nil, err
		}
		for _, x := range pg.Data {
			ids = append(ids, x.ID)
		}
		var more bool
		if req, more = paging.Next(req, pg, paging.OrderID); !more {
			return ids, nil
		}
	}
}
