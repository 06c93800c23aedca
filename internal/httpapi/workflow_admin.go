package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workflow"
)

// newWorkflow is POST /api/v1/workflows's body: a definition, or a
// shipped template by name, or blank.
type newWorkflow struct {
	workflow.Definition
	// Template names a shipped template (GET /api/v1/workflow-templates)
	// to start from, instead of a definition.
	Template string `json:"template,omitempty"`
	// Blank starts from the blank workflow: a Conversation Opened trigger
	// and one message.
	Blank bool `json:"blank,omitempty"`
}

func (s *Server) createWorkflow(w http.ResponseWriter, r *http.Request) error {
	svc := s.deps.Workflows
	var in newWorkflow
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	var wf workflow.Workflow
	var err error
	switch {
	case in.Template != "" && in.Blank:
		return apperr.Invalid("blank", "give a template or blank, not both")
	case in.Template != "" || in.Blank:
		if in.Name != "" || len(in.Steps) > 0 || in.Trigger.Type != "" {
			return apperr.Invalid("template", "give a template (or blank) or a definition, not both")
		}
		wf, err = svc.CreateFrom(r.Context(), Principal(r).WorkspaceID, in.Template)
	default:
		wf, err = svc.Create(r.Context(), Principal(r).WorkspaceID, in.Definition)
	}
	return workflowAnswer(w, r, http.StatusCreated, wf, err)
}

// importWorkflow creates a draft from an exported definition, checked as
// publishing checks it: 422 lists every problem in error.problems.
func (s *Server) importWorkflow(w http.ResponseWriter, r *http.Request) error {
	var d workflow.Definition
	if err := httpjson.Decode(w, r, &d); err != nil {
		return err
	}
	wf, err := s.deps.Workflows.Create(r.Context(), Principal(r).WorkspaceID, d)
	return workflowAnswer(w, r, http.StatusCreated, wf, err)
}

func (s *Server) duplicateWorkflow(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	wf, err := svc.Duplicate(r.Context(), Principal(r).WorkspaceID, id)
	return workflowAnswer(w, r, http.StatusCreated, wf, err)
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	force := false
	switch r.URL.Query().Get("force") {
	case "", "false":
	case "true":
		force = true
	default:
		return apperr.Invalid("force", "must be true or false")
	}
	if err := svc.DeleteChecked(r.Context(), Principal(r).WorkspaceID, id, force); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// listWorkflowTemplates answers the shipped templates (not paged: a few,
// in the list envelope).
func (s *Server) listWorkflowTemplates(w http.ResponseWriter, r *http.Request) error {
	httpjson.WriteJSON(w, http.StatusOK, whole(workflow.TemplateList()))
	return nil
}

// workflowStats answers how many runs took each exit of each step over
// the last seven days.
func (s *Server) workflowStats(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.workflowTarget(r)
	if err != nil {
		return err
	}
	stats, err := svc.StepStats(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, stats)
	return nil
}
