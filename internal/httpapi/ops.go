package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// healthz says the process is alive; it checks nothing else so that a slow
// database does not get a healthy process restarted.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	httpjson.WriteJSON(w, http.StatusOK, statusBody{Status: "ok"})
	return nil
}

// readyz says the node can serve: the database answers within 2 s.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	check := s.deps.Ready
	if check == nil {
		check = s.deps.DB.Ping
	}
	if err := check(ctx); err != nil {
		httpjson.WriteJSON(w, http.StatusServiceUnavailable, httpjson.ErrorBody{Error: httpjson.ErrorDetail{Code: "not_ready", Message: err.Error()}})
		return nil
	}
	httpjson.WriteJSON(w, http.StatusOK, statusBody{Status: "ready"})
	return nil
}

// statusBody answers the health probes.
type statusBody struct {
	Status string `json:"status"`
}

// credentials is the body of a sign-in.
type credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// WorkspaceID chooses the workspace of a person who works in several.
	WorkspaceID int64 `json:"workspace_id,omitempty"`
	// Code is the second factor of an account that has one: the code of
	// its authenticator app, or a recovery code.
	Code string `json:"code,omitempty"`
}

// session answers a right password: the session token to send as bearer
// and the user it acts as, or, for a person who works in several
// workspaces and named none, those workspaces (and no token): the client
// signs in again with one as workspace_id.
type session struct {
	Token      string                       `json:"token,omitempty"`
	User       *workspace.User              `json:"user,omitempty"`
	Workspaces []workspace.AccountWorkspace `json:"workspaces,omitempty"`
}

// whoAmI describes the caller: their workspace, role and, unless the token
// is a workspace integration, their user, their account and the
// workspaces it may sign in to.
type whoAmI struct {
	Workspace  workspace.Workspace          `json:"workspace"`
	Role       string                       `json:"role"`
	User       *workspace.User              `json:"user,omitempty"`
	Account    *workspace.Account           `json:"account,omitempty"`
	Workspaces []workspace.AccountWorkspace `json:"workspaces,omitempty"`
	// SendsMail says the node mails links (invitations, password resets).
	SendsMail bool `json:"sends_mail"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	out, err := s.signIn(w, r)
	if err != nil {
		return err
	}
	if out.Token == "" {
		httpjson.WriteJSON(w, http.StatusOK, session{Workspaces: out.Workspaces})
		return nil
	}
	httpjson.WriteJSON(w, http.StatusOK, session{Token: out.Token, User: &out.User})
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	ws, err := s.deps.Workspaces.Get(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	ws.SatisfactionSurvey.Available = s.surveysAvailable()
	out := whoAmI{Workspace: ws, Role: p.Role, SendsMail: s.sendsMail()}
	if p.UserID != 0 {
		u, err := s.deps.Workspaces.GetUser(r.Context(), p.WorkspaceID, p.UserID)
		if err != nil {
			return err
		}
		out.User = &u
		a, list, err := s.deps.Workspaces.Account(r.Context(), p.WorkspaceID, p.UserID)
		if err != nil {
			return err
		}
		out.Account, out.Workspaces = &a, list
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}
