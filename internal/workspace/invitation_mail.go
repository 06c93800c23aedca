package workspace

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// How an invitation's link last went by mail (Invitation.MailStatus).
const (
	MailNone   = "none"   // never mailed: the inviter shares the link by hand
	MailSent   = "sent"   // the node's mail server took the mail
	MailFailed = "failed" // it did not; the node's log says why
)

// RecordInvitationMail notes whether the node's mail server took an
// invitation's mail, and returns the invitation as it now is. It is
// written after the mail (outside the invitation's own transaction), so
// the list shows what happened even when the inviter's request is gone.
func (s *Service) RecordInvitationMail(ctx context.Context, workspaceID, id int64, sent bool) (Invitation, error) {
	status := MailFailed
	if sent {
		status = MailSent
	}
	var inv Invitation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE invitations SET mail_status = ?, mail_status_at = ? WHERE workspace_id = ? AND id = ?`,
			status, s.nowMs(), workspaceID, id)
		if err != nil {
			return err
		}
		if err := db.Affected(res, "invitation"); err != nil {
			return err
		}
		inv, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id = ?`, id))
		return err
	})
	return inv, wrap("record invitation mail", err)
}

// CheckRenewalLanguage refuses a language a renewal may not set: one not
// in InvitationLanguages (empty keeps the invitation's).
func CheckRenewalLanguage(language string) error {
	if language != "" && !slices.Contains(InvitationLanguages, language) {
		return apperr.Invalid("language", "must be en or fr")
	}
	return nil
}

// RenewInvitationLink gives a pending invitation a new token and returns
// it with the invitation. Only the token's hash is stored, so a link
// cannot be sent again as it was: the one before stops working. The
// expiry stays; an accepted, revoked or expired invitation is not found.
// A language given (en or fr; strict, unlike an invitation's first, which
// is a tag read leniently: changing it is a choice made from the list)
// is its mails' from now on; empty keeps the one it has.
func (s *Service) RenewInvitationLink(ctx context.Context, workspaceID, id int64, language string) (Invitation, string, error) {
	if err := CheckRenewalLanguage(language); err != nil {
		return Invitation{}, "", err
	}
	raw := newInvitationToken()
	now := s.nowMs()
	var inv Invitation
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		// The new link works at least DefaultInvitationTTL from now: one
		// resent the day before the first expired would die as the person
		// read it. (Not the first's own TTL again: its start is not kept
		// apart from the invitation's creation, and each resend would
		// lengthen it.)
		res, err := tx.Exec(ctx, `UPDATE invitations SET token_hash = ?, expires_at = CASE WHEN expires_at < ? THEN ? ELSE expires_at END,
				language = CASE WHEN ? = '' THEN language ELSE ? END
			WHERE workspace_id = ? AND id = ? AND accepted_at = 0 AND revoked_at = 0 AND expires_at > ?`,
			hashToken(raw), now+DefaultInvitationTTL.Milliseconds(), now+DefaultInvitationTTL.Milliseconds(), language, language, workspaceID, id, now)
		if err != nil {
			return err
		}
		if err := db.Affected(res, "invitation"); err != nil {
			return err
		}
		inv, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return Invitation{}, "", wrap("renew invitation link", err)
	}
	return inv, raw, nil
}

// PendingInvitation returns one of the workspace's pending invitations
// (not accepted, revoked or expired); any other is not found.
func (s *Service) PendingInvitation(ctx context.Context, workspaceID, id int64) (Invitation, error) {
	inv, err := scanInvitation(s.db.Reader().QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE workspace_id = ? AND id = ? AND accepted_at = 0 AND revoked_at = 0 AND expires_at > ?`, workspaceID, id, s.nowMs()))
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, apperr.NotFound("invitation")
	}
	return inv, wrap("invitation", err)
}
