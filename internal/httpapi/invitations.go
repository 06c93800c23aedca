package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// newInvitation invites a person by email to a role and teams.
type newInvitation struct {
	Email   string  `json:"email"`
	Role    string  `json:"role"`
	TeamIDs []int64 `json:"team_ids"`
	// ExpiresIn is how long the link works, in seconds (0: seven days;
	// at most 30 days).
	ExpiresIn int64 `json:"expires_in"`
	// SendEmail mails the link to the email too (invitation_mail.go).
	SendEmail bool `json:"send_email"`
	// Language is the mail's, resends included: the web app sends the
	// one chosen in its form; absent, the request's Accept-Language says
	// (sysmail.PickLanguage).
	Language string `json:"language"`
}

// createdInvitation is a new invitation with its link, shown this once:
// only the token's hash is stored.
type createdInvitation struct {
	workspace.Invitation
	URL string `json:"url"`
	// Mailed says the node's mail server took the invitation's mail.
	Mailed bool `json:"mailed"`
	// MailError says why a mail asked for did not go.
	MailError string `json:"mail_error,omitempty"`
}

// invitationToken names the invitation a link holds.
type invitationToken struct {
	Token string `json:"token"`
}

// acceptInvitation accepts an invitation: a new person gives their name
// and a password; a person who already has an account gives its password
// (the name is then optional).
type acceptInvitation struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	Password string `json:"password"`
	// Code: an existing account's second factor, when it has one.
	Code string `json:"code,omitempty"`
}

func (s *Server) createInvitation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var in newInvitation
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Role == workspace.RoleOwner && p.Role != workspace.RoleOwner {
		return apperr.Forbidden("only an owner may invite an owner")
	}
	if in.ExpiresIn < 0 || in.ExpiresIn > int64(workspace.MaxInvitationTTL/time.Second) {
		return apperr.Invalid("expires_in", "must be between 0 (seven days) and 30 days, in seconds")
	}
	release := func() {}
	var err error
	if in.SendEmail {
		if !s.sendsMail() {
			return errInviteMailNotConfigured
		}
		// Counted before the invitation is made: over the limit, nothing is.
		if release, err = s.deps.Workspaces.ReserveInvitationMail(p.WorkspaceID, in.Email); err != nil {
			return err
		}
	}
	inv, token, err := s.deps.Workspaces.Invite(r.Context(), p.WorkspaceID, workspace.NewInvitation{Email: in.Email, Role: in.Role,
		TeamIDs: in.TeamIDs, TTL: time.Duration(in.ExpiresIn) * time.Second, InvitedBy: p.UserID,
		Language: string(sysmail.PickLanguage(in.Language, r.Header.Get("Accept-Language")))})
	if err != nil {
		release()
		return err
	}
	link := s.baseURL(r) + "/invite/" + token
	if !in.SendEmail {
		httpjson.WriteJSON(w, http.StatusCreated, createdInvitation{Invitation: inv, URL: link})
		return nil
	}
	// Sent after the commit, within the request, so that the answer says
	// whether it went.
	httpjson.WriteJSON(w, http.StatusCreated, s.mailInvitation(r.Context(), p.WorkspaceID, inv, link))
	return nil
}

// baseURL is where people reach this server: the configured public URL,
// else the scheme and host the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.deps.PublicURL != "" {
		return strings.TrimRight(s.deps.PublicURL, "/")
	}
	scheme := "http"
	if s.overTLS(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workspaces.Invitations(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "invitationID")
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.RevokeInvitation(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// previewInvitation tells the invitee, signed out, where the link leads.
func (s *Server) previewInvitation(w http.ResponseWriter, r *http.Request) error {
	var in invitationToken
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	prev, err := s.deps.Workspaces.PreviewInvitation(r.Context(), in.Token)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, prev)
	return nil
}

// acceptInvite makes the membership and signs the browser in with the
// session cookie, as POST /api/v1/auth/session does; a cross-site form may
// not.
func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	var in acceptInvitation
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.deps.Workspaces.AcceptInvitation(r.Context(), workspace.AcceptInput{Token: in.Token, Name: in.Name, Password: in.Password, Code: in.Code,
		ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent(), TTL: sessionTTL})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, out.Token)
	httpjson.WriteJSON(w, http.StatusOK, browserSession{User: &out.User, CSRFToken: csrfToken(out.Token)})
	return nil
}
