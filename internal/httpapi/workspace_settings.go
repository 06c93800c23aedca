package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.deps.Workspaces.Get(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	s.writeWorkspace(w, ws)
	return nil
}

// writeWorkspace answers a workspace, saying whether this node can send
// its satisfaction survey (which links to the public address).
func (s *Server) writeWorkspace(w http.ResponseWriter, ws workspace.Workspace) {
	ws.SatisfactionSurvey.Available = s.surveysAvailable()
	httpjson.WriteJSON(w, http.StatusOK, ws)
}

// surveysAvailable: the node sends satisfaction surveys, whose links
// start with its public address.
func (s *Server) surveysAvailable() bool { return s.deps.PublicURL != "" }

// updateWorkspace changes the name, time zone, closing-notes mode,
// auto-close, business hours, permissions or satisfaction survey.
func (s *Server) updateWorkspace(w http.ResponseWriter, r *http.Request) error {
	var in workspace.Settings
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	p := Principal(r)
	if in.Permissions != nil && p.Role != workspace.RoleOwner {
		return apperr.Forbidden("only owners change what each role may do (permissions)")
	}
	if in.RequireTwoFactor != nil {
		if p.Role != workspace.RoleOwner {
			return apperr.Forbidden("only owners require two-factor sign-in of every member")
		}
		if *in.RequireTwoFactor && p.UserID != 0 {
			a, _, err := s.deps.Workspaces.Account(r.Context(), p.WorkspaceID, p.UserID)
			if err != nil {
				return err
			}
			if !a.TwoFactor {
				return apperr.Invalid("require_two_factor", "turn on your own two-factor sign-in first (your account page): requiring it would send you there")
			}
		}
	}
	ws, err := s.deps.Workspaces.Update(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	s.writeWorkspace(w, ws)
	return nil
}
