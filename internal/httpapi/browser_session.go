package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clientaddr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// sessionCookie names the cookie that carries a browser's session token.
// The browser sends it on its own, which is why state-changing requests
// made with it need a CSRF token (see csrf.go); a bearer token is never
// sent without the client meaning to.
const sessionCookie = "switchboard_session"

// browserSession answers a browser sign-in: the token is in the HttpOnly
// cookie, never here, so a script on the page cannot read it. The CSRF
// token is what state-changing requests send back in X-CSRF-Token.
type browserSession struct {
	User       *workspace.User              `json:"user,omitempty"`
	CSRFToken  string                       `json:"csrf_token,omitempty"`
	Workspaces []workspace.AccountWorkspace `json:"workspaces,omitempty"`
}

// csrfAnswer is the CSRF token of the session a browser is signed in with.
type csrfAnswer struct {
	CSRFToken string `json:"csrf_token"`
}

// signIn checks a sign-in body and opens the session it asks for (or
// lists the workspaces to choose from); both sign-in routes share it.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) (workspace.SignedIn, error) {
	var in credentials
	if err := httpjson.Decode(w, r, &in); err != nil {
		return workspace.SignedIn{}, err
	}
	if in.Email == "" || in.Password == "" {
		return workspace.SignedIn{}, apperr.Invalid("email", "email and password are required")
	}
	if in.WorkspaceID < 0 {
		return workspace.SignedIn{}, apperr.Invalid("workspace_id", "must be a workspace id")
	}
	return s.deps.Workspaces.SignIn(r.Context(), workspace.SignInInput{Email: in.Email, Password: in.Password, Code: in.Code,
		WorkspaceID: in.WorkspaceID, ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent(), TTL: sessionTTL})
}

// browserLogin is the browser's sign-in: the same body and limits as
// POST /api/v1/auth/login, but the session goes into the cookie. A
// cross-site form may not sign a browser in (to an attacker's account).
func (s *Server) browserLogin(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	out, err := s.signIn(w, r)
	if err != nil {
		return err
	}
	if out.Token == "" {
		httpjson.WriteJSON(w, http.StatusOK, browserSession{Workspaces: out.Workspaces})
		return nil
	}
	s.setSessionCookie(w, r, out.Token)
	httpjson.WriteJSON(w, http.StatusOK, browserSession{User: &out.User, CSRFToken: csrfToken(out.Token)})
	return nil
}

// setSessionCookie puts a new session's token in the browser's cookie
// (a sign-in, an accepted invitation).
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
}

// csrf answers the CSRF token of the cookie's session: a page loaded
// again asks for it, since only the sign-in answer carried it.
func (s *Server) csrf(w http.ResponseWriter, r *http.Request) error {
	token := cookieToken(r)
	if token == "" {
		return apperr.BadRequest("this request used a bearer token: only a browser session (the cookie) needs a CSRF token")
	}
	httpjson.WriteJSON(w, http.StatusOK, csrfAnswer{CSRFToken: csrfToken(token)})
	return nil
}

// clearSessionCookie tells the browser to forget its session cookie when
// the request was made with it (a bearer sign-out leaves a browser's
// cookie, which may be another session, alone).
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	if cookieToken(r) == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
}

// overTLS says whether the client reached us over TLS (see
// clientaddr.OverTLS).
func (s *Server) overTLS(r *http.Request) bool { return clientaddr.OverTLS(r, s.deps.TrustedProxies) }

// cookieSession reads the session token from the cookie, for a request
// with no Authorization header at all.
func cookieSession(r *http.Request) string {
	if r.Header.Get("Authorization") != "" {
		return ""
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}
