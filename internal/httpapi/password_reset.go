package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/sysmail"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// passwordResetRequest asks for a reset link by mail.
type passwordResetRequest struct {
	Email string `json:"email"`
	// Language is the mail's: the web app sends its own; absent, the
	// request's Accept-Language says (sysmail.PickLanguage).
	Language string `json:"language"`
}

// passwordResetAccepted is the one answer to a request for a link,
// whether the email has an account or not.
type passwordResetAccepted struct {
	Message string `json:"message"`
}

// passwordResetConfirm chooses a new password with a link's token.
type passwordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// resetAccepted is the text of every accepted request: it cannot tell
// whether the email has an account.
const resetAccepted = "If an account exists for that email, a link to choose a new password is on its way. It works once, within the hour."

// errMailNotConfigured answers a request for a link on a node that sends
// no mail. It says nothing of the email asked about.
var errMailNotConfigured = apperr.WithCode(apperr.KindConflict, "mail_not_configured",
	"this server sends no mail, so it cannot send you a link: ask the server's operator to set a new password for you")

// resetMails bounds the reset mails being sent at once; a request past it
// waits for a slot (sending one takes a round trip to the mail server).
const resetMails = 8

// resetSender sends reset links after the request is answered, so that
// the answer's timing does not tell whether a mail went out.
type resetSender struct {
	slots chan struct{}
	wg    sync.WaitGroup
}

func newResetSender() *resetSender { return &resetSender{slots: make(chan struct{}, resetMails)} }

// requestPasswordReset mails a reset link to the account that signs in
// with the email, if there is one with a password. The answer is 202 with
// the same body either way (no account enumeration), after the request
// counted against the email's and the address's limits.
func (s *Server) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var in passwordResetRequest
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	// Without a public URL the link could only take the request's Host,
	// which the requester chooses: the node sends none (serve requires
	// --public-url with --mail-smtp-url).
	if !s.deps.Mailer.Configured() || s.deps.PublicURL == "" {
		return errMailNotConfigured
	}
	email := strings.TrimSpace(in.Email)
	if email == "" || len(email) > workspace.MaxEmailLen || strings.ContainsAny(email, "\r\n") {
		return apperr.Invalid("email", "must be the email you sign in with")
	}
	if err := s.deps.Workspaces.LimitPasswordReset(email, s.clientAddr(r)); err != nil {
		return err
	}
	select {
	case s.resets.slots <- struct{}{}:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	lang := sysmail.PickLanguage(in.Language, r.Header.Get("Accept-Language"))
	s.resets.wg.Add(1)
	// The request may end before the mail is sent; the node's stop does
	// not wait for it (the person asks again).
	ctx := context.WithoutCancel(r.Context())
	go func() {
		defer func() { <-s.resets.slots; s.resets.wg.Done() }()
		s.mailPasswordReset(ctx, email, lang)
	}()
	httpjson.WriteJSON(w, http.StatusAccepted, passwordResetAccepted{Message: resetAccepted})
	return nil
}

// mailPasswordReset makes the account's link and mails it in lang;
// failures are logged, as nobody waits for them.
func (s *Server) mailPasswordReset(ctx context.Context, email string, lang sysmail.Language) {
	reset, ok, err := s.deps.Workspaces.StartPasswordReset(ctx, email)
	if err != nil {
		slog.Error("password reset: make the link", "err", err)
		return
	}
	if !ok {
		return
	}
	link := strings.TrimRight(s.deps.PublicURL, "/") + "/reset-password/" + reset.Token
	subject, text, err := sysmail.ResetMail{Name: reset.Name, Email: reset.Email, Link: link}.Compose(lang)
	if err == nil {
		err = s.deps.Mailer.Send(ctx, reset.Email, subject, text)
	}
	if err != nil {
		slog.Error("password reset: mail the link", "err", err)
	}
}

// confirmPasswordReset sets the password of a link's account. Every
// session of the account ends, in every workspace, and their devices go
// offline, as when the person changes their password.
func (s *Server) confirmPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var in passwordResetConfirm
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	ended, err := s.deps.Workspaces.ResetPassword(r.Context(), in.Token, in.Password)
	if err != nil {
		return err
	}
	for _, e := range ended {
		s.signOutSessionDevice(r.Context(), e.WorkspaceID, e.UserID, e.ID)
	}
	httpjson.WriteJSON(w, http.StatusOK, endedSessions{Ended: len(ended)})
	return nil
}
