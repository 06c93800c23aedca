package workspace

import (
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
)

// The invitation mails a node sends go from the server's own address to
// whomever a manager names: unbounded, one workspace (or a manager's
// stolen session) could make the server a relay of its invitations to
// any address, and get its domain blocklisted. Per workspace: 50 at once,
// then one a minute; per recipient: 3 at once, then one every 20 minutes
// (an invitation and two resends).
const (
	InviteMailsPerWorkspace      = 50
	inviteMailWorkspaceRefill    = time.Minute
	InviteMailsPerRecipient      = 3
	inviteMailRecipientRefill    = 20 * time.Minute
	inviteMailLimitWorkspaceKeys = 10_000
)

type inviteMailLimits struct {
	workspace *ratelimit.Limiter[int64]
	recipient *ratelimit.Limiter[string]
}

func newInviteMailLimits(c clock.Clock) *inviteMailLimits {
	return &inviteMailLimits{
		workspace: ratelimit.New[int64](c, InviteMailsPerWorkspace, inviteMailWorkspaceRefill, inviteMailLimitWorkspaceKeys),
		recipient: ratelimit.New[string](c, InviteMailsPerRecipient, inviteMailRecipientRefill, limiterKeys),
	}
}

// ReserveInvitationMail takes one of the workspace's invitation mails and
// one of the recipient's, or says when to try again (a 429). release
// gives them back, for a mail that was not sent after all (the
// invitation refused).
func (s *Service) ReserveInvitationMail(workspaceID int64, email string) (release func(), err error) {
	l := s.invites
	key := strconv.FormatInt(workspaceID, 10) + "\x00" + limitKey(normalEmail(email), 320)
	if ok, wait := l.workspace.Take(workspaceID); !ok {
		return nil, apperr.TooMany(wait, "this workspace has sent too many invitation mails; try again later, or share the link by hand")
	}
	if ok, wait := l.recipient.Take(key); !ok {
		l.workspace.Refund(workspaceID)
		return nil, apperr.TooMany(wait, "too many invitation mails to %s; try again later, or share the link by hand", normalEmail(email))
	}
	return func() {
		l.workspace.Refund(workspaceID)
		l.recipient.Refund(key)
	}, nil
}
