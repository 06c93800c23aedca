package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workspaces.ListTeams(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) error {
	var in workspace.TeamInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.Workspaces.CreateTeam(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "teamID")
	if err != nil {
		return err
	}
	t, err := s.deps.Workspaces.GetTeam(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, t)
	return nil
}

// updateTeam renames a team and, when member_ids is present, replaces its
// members.
func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "teamID")
	if err != nil {
		return err
	}
	var in workspace.TeamInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.Workspaces.UpdateTeam(r.Context(), Principal(r).WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "teamID")
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.DeleteTeam(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
