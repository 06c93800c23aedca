package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	paging "github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// workflowAnswer answers a workflow, or the error (an invalid definition's
// lists every problem with its step id, like any apperr with details).
// Its ETag is its draft's revision, which a save or publish sends back in
// If-Match (see draftRevision).
func workflowAnswer(w http.ResponseWriter, r *http.Request, status int, wf workflow.Workflow, err error) error {
	if err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+strconv.FormatInt(wf.DraftRevision, 10)+`"`)
	httpjson.WriteJSON(w, status, wf)
	return nil
}

// draftRevision is the draft revision a save or publish was based on: its
// If-Match, the ETag of the answer the client edited ("7"). None, or *
// (any), is 0: the change goes through whatever the draft now is, as it
// did before revisions. A weak ETag (W/"7") never matches, as If-Match
// compares strongly, so it is refused rather than ignored.
func draftRevision(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(v, `"`), `"`), 10, 64)
	if err != nil || n < 1 || len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return 0, &apperr.Error{Kind: apperr.KindBadRequest, Field: "If-Match",
			Message: `must be the ETag of the workflow's answer (its draft_revision in quotes, e.g. "7"), or *`}
	}
	return n, nil
}

func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workflows.List(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	wf, err := svc.Get(r.Context(), Principal(r).WorkspaceID, id)
	return workflowAnswer(w, r, http.StatusOK, wf, err)
}

func (s *Server) saveWorkflowDraft(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	base, err := draftRevision(r)
	if err != nil {
		return err
	}
	var d workflow.Definition
	if err := httpjson.Decode(w, r, &d); err != nil {
		return err
	}
	wf, err := svc.SaveDraft(r.Context(), Principal(r).WorkspaceID, id, d, workflow.Edit{By: Principal(r).UserID, IfRevision: base})
	return workflowAnswer(w, r, http.StatusOK, wf, err)
}

func (s *Server) publishWorkflow(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	base, err := draftRevision(r)
	if err != nil {
		return err
	}
	wf, err := svc.Publish(r.Context(), Principal(r).WorkspaceID, id, workflow.Edit{By: Principal(r).UserID, IfRevision: base})
	return workflowAnswer(w, r, http.StatusOK, wf, err)
}

func (s *Server) startWorkflow(w http.ResponseWriter, r *http.Request) error {
	return s.setWorkflowActive(w, r, true)
}

func (s *Server) stopWorkflow(w http.ResponseWriter, r *http.Request) error {
	return s.setWorkflowActive(w, r, false)
}

func (s *Server) setWorkflowActive(w http.ResponseWriter, r *http.Request, active bool) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	wf, err := svc.SetActive(r.Context(), Principal(r).WorkspaceID, id, active)
	return workflowAnswer(w, r, http.StatusOK, wf, err)
}

func (s *Server) workflowSchema(w http.ResponseWriter, r *http.Request) error {
	httpjson.WriteJSON(w, http.StatusOK, workflow.Schema())
	return nil
}

// listShortcuts answers the shortcut workflows every member may run from
// the inbox (at most 200, by name: not paged, in the list envelope).
func (s *Server) listShortcuts(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Workflows == nil {
		return apperr.NotFound("route GET /api/v1/shortcuts")
	}
	list, err := s.deps.Workflows.Shortcuts(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}

func (s *Server) startWorkflowRun(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	var in workflow.StartInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	p := Principal(r)
	// A restricted agent runs shortcuts only for contacts it may see; the
	// engine itself acts for the whole workspace.
	if !p.Unrestricted() && in.ContactID != 0 {
		if _, err := s.deps.Contacts.Get(r.Context(), p, in.ContactID); err != nil {
			return err
		}
	}
	in.UserID, in.Role = p.UserID, p.Role
	run, err := svc.StartRun(r.Context(), p.WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, run)
	return nil
}

func (s *Server) listWorkflowRuns(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	req, err := pageRequest(r, workflow.OrderRuns)
	if err != nil {
		return err
	}
	list, err := svc.ListRuns(r.Context(), Principal(r).WorkspaceID, id, workflow.RunFilter{Status: r.URL.Query().Get("status")}, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) getWorkflowRun(w http.ResponseWriter, r *http.Request) error {
	return s.onWorkflowRun(w, r, (*workflow.Service).GetRun)
}

func (s *Server) stopWorkflowRun(w http.ResponseWriter, r *http.Request) error {
	return s.onWorkflowRun(w, r, (*workflow.Service).StopRun)
}

// onWorkflowRun resolves /workflows/{workflowID}/runs/{runID} and answers
// with the run that op returns.
func (s *Server) onWorkflowRun(w http.ResponseWriter, r *http.Request,
	op func(*workflow.Service, context.Context, int64, int64, int64) (workflow.Run, error)) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	runID, err := PathID(r, "runID")
	if err != nil {
		return err
	}
	run, err := op(svc, r.Context(), Principal(r).WorkspaceID, id, runID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, run)
	return nil
}

// workflowSettings is the workspace's workflow settings.
type workflowSettings struct {
	// AllowPrivateHTTP is kept for compatibility: only false is accepted.
	AllowPrivateHTTP *bool `json:"allow_private_http"`
}

// updateWorkflowSettings no longer lets a workspace open private networks
// to its HTTP Request steps: on a shared server that let a tenant reach
// the operator's network. The operator's --allow-private-networks is the
// only way in, for every workspace alike; false, what every workspace now
// has, is accepted so that existing scripts keep working.
func (s *Server) updateWorkflowSettings(w http.ResponseWriter, r *http.Request) error {
	var in workflowSettings
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.AllowPrivateHTTP == nil {
		return apperr.Invalid("allow_private_http", "is required")
	}
	if *in.AllowPrivateHTTP {
		return &apperr.Error{Kind: apperr.KindBadRequest, Field: "allow_private_http",
			Message: "is no longer supported: a workspace cannot open private networks; the server's operator allows ranges " +
				"for every workspace with --allow-private-networks"}
	}
	httpjson.WriteJSON(w, http.StatusOK, in)
	return nil
}

// webhookAccepted answers an incoming workflow webhook.
type webhookAccepted struct {
	RunID int64 `json:"run_id"`
}

// workflowWebhook starts a run of an incoming-webhook workflow. It is
// authenticated by the workflow's secret (X-Workflow-Secret header, or
// ?secret= for systems that cannot set headers), not an API token, and
// the secret is checked before the body is read.
func (s *Server) workflowWebhook(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	secret := r.Header.Get("X-Workflow-Secret")
	if secret == "" {
		secret = r.URL.Query().Get("secret")
	}
	target, err := svc.AuthorizeWebhook(r.Context(), id, secret)
	if err != nil {
		return err
	}
	body, err := httpjson.ReadBody(w, r)
	if err != nil {
		return err
	}
	runID, err := svc.ReceiveWebhook(r.Context(), target, body)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusAccepted, webhookAccepted{RunID: runID})
	return nil
}

func (s *Server) workflowTarget(r *http.Request) (*workflow.Service, int64, error) {
	id, err := PathID(r, "workflowID")
	return s.deps.Workflows, id, err
}
