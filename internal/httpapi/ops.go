package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
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
}

// session is a signed-in user with the session token to send as bearer.
type session struct {
	Token string         `json:"token"`
	User  workspace.User `json:"user"`
}

// whoAmI describes the caller: their workspace, role and, unless the token
// is a workspace integration, their user.
type whoAmI struct {
	Workspace workspace.Workspace `json:"workspace"`
	Role      string              `json:"role"`
	User      *workspace.User     `json:"user,omitempty"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in credentials
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Email == "" || in.Password == "" {
		return apperr.Invalid("email", "email and password are required")
	}
	u, token, err := s.deps.Workspaces.SignIn(r.Context(), workspace.SignInInput{Email: in.Email, Password: in.Password,
		ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent(), TTL: sessionTTL})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, session{Token: token, User: u})
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	ws, err := s.deps.Workspaces.Get(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	out := whoAmI{Workspace: ws, Role: p.Role}
	if p.UserID != 0 {
		u, err := s.deps.Workspaces.GetUser(r.Context(), p.WorkspaceID, p.UserID)
		if err != nil {
			return err
		}
		out.User = &u
	}
	httpjson.WriteJSON(w, http.StatusOK, out)
	return nil
}
