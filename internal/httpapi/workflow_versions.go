package httpapi

import (
	"net/http"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// listWorkflowVersions answers a workflow's published versions, newest
// first, with how many runs started on each and how many still wait.
func (s *Server) listWorkflowVersions(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	req, err := pageRequest(r, workflow.OrderVersions)
	if err != nil {
		return err
	}
	list, err := svc.ListVersions(r.Context(), Principal(r).WorkspaceID, id, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

// getWorkflowVersion answers one published version with its definition.
func (s *Server) getWorkflowVersion(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	version, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || version < 1 {
		return apperr.BadRequest("version must be a version number (1, 2, …)")
	}
	v, err := svc.GetVersion(r.Context(), Principal(r).WorkspaceID, id, version)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, v)
	return nil
}
