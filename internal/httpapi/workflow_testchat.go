package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workflow/testchat"
)

// The Workflow Builder's test panel (internal/workflow/testchat): a manager
// chats with a workflow as their test contact.

// testChat returns the test chat service, or a 404 without workflows.
func (s *Server) testChat(r *http.Request) (*testchat.Service, int64, error) {
	_, id, err := s.workflowTarget(r)
	if err != nil {
		return nil, 0, err
	}
	if s.deps.Workflows == nil {
		return nil, 0, apperr.NotFound("workflow")
	}
	return testchat.New(s.deps.DB, s.deps.Conversations, s.deps.Workflows), id, nil
}

// getWorkflowTest answers the caller's test session of the workflow.
func (s *Server) getWorkflowTest(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.testChat(r)
	if err != nil {
		return err
	}
	sess, err := svc.Get(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, sess)
	return nil
}

// startWorkflowTest makes the caller's test contact for the workflow.
func (s *Server) startWorkflowTest(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.testChat(r)
	if err != nil {
		return err
	}
	sess, err := svc.Start(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, sess)
	return nil
}

// sendWorkflowTestMessage sends a message as the caller's test contact.
func (s *Server) sendWorkflowTestMessage(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.testChat(r)
	if err != nil {
		return err
	}
	var in testchat.MessageInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	sess, err := svc.Send(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, sess)
	return nil
}

// runWorkflowTest starts a run for the caller's test contact ("Run now").
func (s *Server) runWorkflowTest(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.testChat(r)
	if err != nil {
		return err
	}
	sess, err := svc.RunNow(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, sess)
	return nil
}

// resetWorkflowTest ends the caller's test so the next message starts over.
func (s *Server) resetWorkflowTest(w http.ResponseWriter, r *http.Request) error {
	svc, id, err := s.testChat(r)
	if err != nil {
		return err
	}
	sess, err := svc.Reset(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, sess)
	return nil
}
