package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Workspaces.ListUsers(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	pg, err := pageOf(r, list, func(u workspace.User) int64 { return u.ID })
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
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

// updateUser changes a user. Anyone may change their own name, status and
// password; managers may change other users except owners (changing an
// owner's password would take over the workspace); only owners change
// roles.
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
	}
	u, err := s.deps.Workspaces.UpdateUser(r.Context(), p.WorkspaceID, id, in)
	if err != nil {
		return err
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
