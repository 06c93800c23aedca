package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// inviteMailTimeout bounds the mail of an invitation within its request:
// the inviter waits to be told whether the mail went, and past this is
// told it did not (the link is in the answer either way).
const inviteMailTimeout = 15 * time.Second

// errInviteMailNotConfigured answers send_email and resend on a node that
// sends no mail; nothing is created or changed.
var errInviteMailNotConfigured = apperr.WithCode(apperr.KindConflict, "mail_not_configured",
	"this server sends no mail: invite without send_email and copy the link to the person yourself "+
		"(the server's operator can set --mail-smtp-url and --public-url)")

// sendsMail reports whether the node mails links: it needs a mail server
// and the public URL links start with (never the request's Host, which
// the requester chooses).
func (s *Server) sendsMail() bool { return s.deps.Mailer.Configured() && s.deps.PublicURL != "" }

// invitationResend is the optional body of a resend.
type invitationResend struct {
	// Language, given, is the mail's from now on (en or fr): the person
	// invited may read the other better than the inviter first thought.
	// Absent, the invitation keeps its own.
	Language string `json:"language"`
}

// resendInvitation mails a pending invitation again with a new link: only
// the token's hash is stored, so the link before stops working. The
// answer is createInvitation's, with the new link.
func (s *Server) resendInvitation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "invitationID")
	if err != nil {
		return err
	}
	var in invitationResend
	if err := httpjson.DecodeOptional(w, r, &in); err != nil {
		return err
	}
	// Checked before the mail's 409 too: a bad body is a 422 on any node.
	if err := workspace.CheckRenewalLanguage(in.Language); err != nil {
		return err
	}
	if !s.sendsMail() {
		return errInviteMailNotConfigured
	}
	inv, err := s.deps.Workspaces.PendingInvitation(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	// The new link is in the answer: whoever may not invite an owner may
	// not make an owner's link either.
	if inv.Role == workspace.RoleOwner && p.Role != workspace.RoleOwner {
		return apperr.Forbidden("only an owner may resend an owner's invitation")
	}
	release, err := s.deps.Workspaces.ReserveInvitationMail(p.WorkspaceID, inv.Email)
	if err != nil {
		return err
	}
	inv, token, err := s.deps.Workspaces.RenewInvitationLink(r.Context(), p.WorkspaceID, id, in.Language)
	if err != nil {
		release()
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, s.mailInvitation(r.Context(), p.WorkspaceID, inv, s.baseURL(r)+"/invite/"+token))
	return nil
}

// mailInvitation mails inv's link, after the invitation is committed, and
// records whether the mail server took it. A failure is logged and said in
// the answer, which holds the link all the same, to copy by hand.
func (s *Server) mailInvitation(ctx context.Context, workspaceID int64, inv workspace.Invitation, link string) createdInvitation {
	// The inviter leaving does not stop the mail half-way: its outcome is
	// recorded for the pending list.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), inviteMailTimeout)
	defer cancel()
	out := createdInvitation{Invitation: inv, URL: link}
	subject, text, err := s.invitationMail(ctx, workspaceID, inv, link)
	if err == nil {
		err = s.deps.Mailer.Send(ctx, inv.Email, subject, text)
	}
	if err != nil {
		slog.Error("invitation: mail the link", "workspace", workspaceID, "invitation", inv.ID, "err", err)
		out.MailError = mailFailure(err)
	}
	out.Mailed = err == nil
	rec, rerr := s.deps.Workspaces.RecordInvitationMail(context.WithoutCancel(ctx), workspaceID, inv.ID, out.Mailed)
	if rerr != nil {
		slog.Error("invitation: record its mail", "workspace", workspaceID, "invitation", inv.ID, "err", rerr)
		return out
	}
	out.Invitation = rec
	return out
}

// mailFailure says why a mail did not go, for the inviter: the mail
// server's own refusal, or that it did not answer. The log has the rest.
func mailFailure(err error) string {
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se) && se.Code >= 500:
		return fmt.Sprintf("the mail server refused it: %d %s", se.Code, se.Message)
	case errors.As(err, &se):
		return fmt.Sprintf("the mail server deferred it (%d %s): send it again later", se.Code, se.Message)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("the mail server did not answer within %d seconds", int(inviteMailTimeout/time.Second))
	}
	return "the mail could not be sent (the server's log says why)"
}

// invitationMail is the subject and text of an invitation's mail, in
// the invitation's language: the workspace, who invited, the role, the
// link and when it stops working, in the workspace's time zone.
func (s *Server) invitationMail(ctx context.Context, workspaceID int64, inv workspace.Invitation, link string) (string, string, error) {
	ws, err := s.deps.Workspaces.Get(ctx, workspaceID)
	if err != nil {
		return "", "", err
	}
	who := ""
	if inv.InvitedBy != 0 {
		// A deleted inviter (or a workspace token's invitation) is not
		// named.
		if u, err := s.deps.Workspaces.GetUser(ctx, workspaceID, inv.InvitedBy); err == nil {
			who = u.Name
		}
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return sysmail.InvitationMail{Inviter: who, Workspace: ws.Name, Role: inv.Role, Link: link, Expires: inv.ExpiresAt.In(loc)}.
		Compose(sysmail.ParseLanguage(inv.Language))
}
