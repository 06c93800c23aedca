package workspace

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Invitation is a pending invitation of a person, by email, to a role and
// teams of a workspace. Its token (in the link) is shown once, at
// creation; only its SHA-256 is stored.
type Invitation struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	TeamIDs   []int64   `json:"team_ids"`
	InvitedBy int64     `json:"invited_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// MailStatus is how the link last went by mail: MailNone, MailSent or
	// MailFailed (see invitation_mail.go).
	MailStatus string `json:"mail_status"`
	// MailStatusAt is when MailStatus was set (absent for MailNone).
	MailStatusAt *time.Time `json:"mail_status_at,omitempty"`
	// Language is the language its mail is written in, "en" or "fr",
	// resends included.
	Language string `json:"language"`
}

// NewInvitation is what inviting takes.
type NewInvitation struct {
	Email   string
	Role    string
	TeamIDs []int64
	// TTL is how long the link works (zero: DefaultInvitationTTL).
	TTL time.Duration
	// InvitedBy is the user who invites (zero: a workspace token).
	InvitedBy int64
	// Language is the language of its mail, "en" or "fr" (empty: "en").
	Language string
}

// InvitationLanguages are the languages an invitation's mail may be
// written in (sysmail's).
var InvitationLanguages = []string{"en", "fr"}

// How long an invitation link works unless the inviter says otherwise,
// and the longest it may.
const (
	DefaultInvitationTTL = 7 * 24 * time.Hour
	MaxInvitationTTL     = 30 * 24 * time.Hour
)

// The answers to a link that does not work: each has a code of its own so
// that the page the invitee opens can say what to do.
var (
	ErrInvitationNotFound = apperr.WithCode(apperr.KindNotFound, "invitation_not_found",
		"this invitation link is not valid: check that it was copied whole, or ask whoever invited you for a new one")
	ErrInvitationExpired = apperr.WithCode(apperr.KindGone, "invitation_expired",
		"this invitation has expired: ask whoever invited you for a new link")
	ErrInvitationUsed = apperr.WithCode(apperr.KindGone, "invitation_used",
		"this invitation was already used: sign in with its email and password instead")
	ErrInvitationRevoked = apperr.WithCode(apperr.KindGone, "invitation_revoked",
		"this invitation was revoked: ask whoever invited you for a new link")
	errAccountWithoutPassword = apperr.WithCode(apperr.KindConflict, "account_without_password",
		"this email's Switchboard account has no password (it acts only through API tokens): ask a manager of the workspace it works in to set one, then accept with it")
	errInvitePassword = apperr.WithCode(apperr.KindUnauthorized, "account_password",
		"this email already has a Switchboard account: enter that account's password to join")
	errAccountMadeMeanwhile = apperr.WithCode(apperr.KindConflict, "account_created_meanwhile",
		"an account with this email was created meanwhile: open the link again and enter its password")
	errAlreadyMember = apperr.WithCode(apperr.KindConflict, "already_member",
		"you are already a member of this workspace: sign in instead")
)

// Invite creates an invitation and returns it with the token of its link.
// The email must not already be a member of the workspace, and the teams
// must be the workspace's.
func (s *Service) Invite(ctx context.Context, workspaceID int64, in NewInvitation) (Invitation, string, error) {
	email := normalEmail(in.Email)
	if err := checkEmail(email); err != nil {
		return Invitation{}, "", err
	}
	if in.Role == "" {
		in.Role = RoleAgent
	}
	if !validRole(in.Role) {
		return Invitation{}, "", apperr.Invalid("role", "must be owner, manager or agent")
	}
	if in.TTL == 0 {
		in.TTL = DefaultInvitationTTL
	}
	if in.TTL < time.Minute || in.TTL > MaxInvitationTTL {
		return Invitation{}, "", apperr.Invalid("expires_in", "must be between one minute and 30 days")
	}
	if in.Language == "" {
		in.Language = InvitationLanguages[0]
	}
	if !slices.Contains(InvitationLanguages, in.Language) {
		return Invitation{}, "", apperr.Invalid("language", "must be en or fr")
	}
	if len(in.TeamIDs) > MaxTeamMembers {
		return Invitation{}, "", apperr.Invalid("team_ids", "lists too many teams")
	}
	teams := uniq(in.TeamIDs)
	raw := newInvitationToken()
	now := s.nowMs()
	inv := Invitation{Email: email, Role: in.Role, TeamIDs: teams, InvitedBy: in.InvitedBy,
		CreatedAt: db.Time(now), ExpiresAt: db.Time(now + in.TTL.Milliseconds()), MailStatus: MailNone, Language: in.Language}
	teamsJSON, _ := json.Marshal(teams)
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users u JOIN accounts a ON a.id = u.account_id
			WHERE u.workspace_id = ? AND lower(a.email) = ?`, workspaceID, email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Invalid("email", "%s is already a member of this workspace", email)
		}
		for _, id := range teams {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM teams WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Invalid("team_ids", "team %d is not in this workspace", id)
			}
		}
		return tx.QueryRow(ctx, `INSERT INTO invitations (workspace_id, email, role, team_ids, token_hash, invited_by, created_at, expires_at, language)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, workspaceID, email, inv.Role, string(teamsJSON), hashToken(raw),
			in.InvitedBy, now, db.Millis(inv.ExpiresAt), inv.Language).Scan(&inv.ID)
	})
	if err != nil {
		return Invitation{}, "", wrap("invite", err)
	}
	return inv, raw, nil
}

// Invitations returns a page of the workspace's pending invitations (not
// accepted, revoked or expired) in id order.
func (s *Service) Invitations(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Invitation], error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE workspace_id = ? AND accepted_at = 0 AND revoked_at = 0 AND expires_at > ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID, s.nowMs()}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Invitation]{}, fmt.Errorf("workspace: invitations: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Invitation, error) { return scanInvitation(rows) })
	return page.CutByID(list, req.Limit, func(i Invitation) int64 { return i.ID }), err
}

// invitationColumns are what scanInvitation reads.
const invitationColumns = `id, email, role, team_ids, invited_by, created_at, expires_at, mail_status, mail_status_at, language`

// scanInvitation reads one row of invitationColumns.
func scanInvitation(row interface{ Scan(...any) error }) (Invitation, error) {
	var inv Invitation
	var teams string
	var c, e, m int64
	err := row.Scan(&inv.ID, &inv.Email, &inv.Role, &teams, &inv.InvitedBy, &c, &e, &inv.MailStatus, &m, &inv.Language)
	inv.CreatedAt, inv.ExpiresAt = db.Time(c), db.Time(e)
	inv.TeamIDs = parseTeamIDs(teams)
	if m != 0 {
		at := db.Time(m)
		inv.MailStatusAt = &at
	}
	return inv, err
}

// RevokeInvitation makes a pending invitation's link stop working.
func (s *Service) RevokeInvitation(ctx context.Context, workspaceID, id int64) error {
	now := s.nowMs()
	return wrap("revoke invitation", s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND accepted_at = 0 AND revoked_at = 0`,
			now, workspaceID, id)
		if err != nil {
			return err
		}
		return db.Affected(res, "invitation")
	}))
}

// InvitationPreview is what the invitee sees on opening the link, before
// accepting: where they are invited, as whom, and whether their email
// already has an account (then they enter its password, not a new one).
// Language is the invitation's, the one its mail was written in: the page
// speaks it too unless the browser has a language chosen.
type InvitationPreview struct {
	WorkspaceName string    `json:"workspace_name"`
	Email         string    `json:"email"`
	Role          string    `json:"role"`
	ExpiresAt     time.Time `json:"expires_at"`
	HasAccount    bool      `json:"has_account"`
	Language      string    `json:"language"`
}

// invitationRow is an invitation as the link finds it.
type invitationRow struct {
	id, workspaceID            int64
	workspaceName, email, role string
	language                   string
	teams                      []int64
	expires, accepted, revoked int64
}

// state is the error of a link that no longer works, or nil.
func (r invitationRow) state(now int64) error {
	switch {
	case r.accepted != 0:
		return ErrInvitationUsed
	case r.revoked != 0:
		return ErrInvitationRevoked
	case r.expires <= now:
		return ErrInvitationExpired
	}
	return nil
}

func (s *Service) invitationByToken(ctx context.Context, q db.Querier, raw string) (invitationRow, error) {
	var r invitationRow
	if !strings.HasPrefix(raw, "inv_") || len(raw) > 100 {
		return r, ErrInvitationNotFound
	}
	var teams string
	err := q.QueryRow(ctx, `SELECT i.id, i.workspace_id, w.name, i.email, i.role, i.language, i.team_ids, i.expires_at, i.accepted_at, i.revoked_at
		FROM invitations i JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = ?`, hashToken(raw)).
		Scan(&r.id, &r.workspaceID, &r.workspaceName, &r.email, &r.role, &r.language, &teams, &r.expires, &r.accepted, &r.revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrInvitationNotFound
	}
	if err != nil {
		return r, fmt.Errorf("workspace: invitation: %w", err)
	}
	r.teams = parseTeamIDs(teams)
	return r, nil
}

// PreviewInvitation returns what the link's page shows, or the error of a
// link that does not work (ErrInvitationNotFound, ErrInvitationExpired,
// ErrInvitationUsed, ErrInvitationRevoked).
func (s *Service) PreviewInvitation(ctx context.Context, raw string) (InvitationPreview, error) {
	r, err := s.invitationByToken(ctx, s.db.Reader(), raw)
	if err != nil {
		return InvitationPreview{}, err
	}
	if err := r.state(s.nowMs()); err != nil {
		return InvitationPreview{}, err
	}
	var n int
	if err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE lower(email) = ?`, r.email).Scan(&n); err != nil {
		return InvitationPreview{}, fmt.Errorf("workspace: invitation: %w", err)
	}
	return InvitationPreview{WorkspaceName: r.workspaceName, Email: r.email, Role: r.role, ExpiresAt: db.Time(r.expires), HasAccount: n > 0,
		Language: r.language}, nil
}

// AcceptInput accepts an invitation: the link's token, and the name and
// password of the person. A person whose email already has an account
// gives that account's password (Name is then optional: the name shown in
// this workspace, the account's by default).
type AcceptInput struct {
	Token, Name, Password string
	// Code is the second factor of an existing account that has one: the
	// membership opens with a session, as a sign-in does, so it asks what
	// a sign-in asks.
	Code                  string
	ClientAddr, UserAgent string
	TTL                   time.Duration // how long the session lasts
}

// AcceptInvitation turns an invitation into a membership and signs the
// person in (a session of the new membership). The invitation is used
// once: it is stamped accepted in the transaction that creates the
// membership, only while still pending, so of two accepts at once exactly
// one wins; the other gets ErrInvitationUsed.
//
// Attempts are limited like sign-ins (per link and per client address,
// and an existing account's password per email too, as at sign-in): a
// wrong token or a wrong password of an existing account counts, a
// success never does.
//
// An email that already has an account joins with its existing password,
// which must be given and right: the workspace never sets the password of
// someone who also works elsewhere (see CreateUser), and the link alone
// does not prove the holder is that person.
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInput) (SignedIn, error) {
	release, err := s.limits.reserve("invite:"+hashToken(in.Token)[:32], in.ClientAddr)
	if err != nil {
		return SignedIn{}, err
	}
	r, err := s.invitationByToken(ctx, s.db.Reader(), in.Token)
	if err != nil {
		return SignedIn{}, err // a wrong token counts against the limits
	}
	if err := r.state(s.nowMs()); err != nil {
		release()
		return SignedIn{}, err
	}
	name := strings.TrimSpace(in.Name)
	if err := limit.Text("name", name, MaxNameLen); err != nil {
		release()
		return SignedIn{}, err
	}
	var account, lastStep int64
	var accountName, accountHash, totp string
	err = s.db.Reader().QueryRow(ctx, `SELECT id, name, password_hash, totp_secret, totp_last_step FROM accounts WHERE lower(email) = ?`, r.email).
		Scan(&account, &accountName, &accountHash, &totp, &lastStep)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		release()
		return SignedIn{}, fmt.Errorf("workspace: accept invitation: %w", err)
	}
	hash := ""
	if account != 0 && accountHash == "" {
		// A member who acts only through API tokens: no password proves
		// the account is the invitee's, and setting one here would give
		// whoever holds the link that member's sign-in where it works.
		release()
		return SignedIn{}, errAccountWithoutPassword
	}
	if account != 0 {
		// The account's password is guessed here as at sign-in, so it
		// counts against the email's limit too: anyone who may invite
		// makes a fresh link (a fresh bucket) at will.
		releaseEmail, err := s.limits.reserve(r.email, "")
		if err != nil {
			release() // refused before any check: the attempt does not count
			return SignedIn{}, err
		}
		ok, err := s.hasher.check(ctx, accountHash, in.Password)
		if err != nil {
			release()
			releaseEmail()
			return SignedIn{}, err
		}
		if !ok {
			return SignedIn{}, errInvitePassword // counts, as a failed sign-in does
		}
		if err := s.signInCode(ctx, account, totp, lastStep, in.Code, true); err != nil {
			if err != errTwoFactorInvalid { // a wrong code counts, as a wrong password does
				release()
				releaseEmail()
			}
			return SignedIn{}, err
		}
		releaseEmail()
		if name == "" {
			name = accountName
		}
	} else {
		if name == "" {
			release()
			return SignedIn{}, apperr.Invalid("name", "is required")
		}
		if err := checkPassword("password", in.Password); err != nil {
			release()
			return SignedIn{}, err
		}
		if hash, err = s.hasher.hash(ctx, in.Password); err != nil {
			release()
			return SignedIn{}, err
		}
	}
	release()
	now := s.nowMs()
	var userID int64
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if account != 0 {
			// The password checked above must still be the account's: a
			// change meanwhile signed out whoever knew the old one.
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ? AND password_hash = ?`, account, accountHash).
				Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errInvitePassword
			}
		}
		res, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at = 0 AND revoked_at = 0 AND expires_at > ?`,
			now, r.id, now)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			// Someone else won, or it was revoked or expired meanwhile.
			now2, err := s.invitationByToken(ctx, tx, in.Token)
			if err != nil {
				return err
			}
			if e := now2.state(now); e != nil {
				return e
			}
			return ErrInvitationUsed
		}
		acct := account
		if acct == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				r.email, name, hash, now).Scan(&acct)
			if db.IsUniqueViolation(err) {
				return errAccountMadeMeanwhile
			}
			if err != nil {
				return err
			}
		}
		err = tx.QueryRow(ctx, `INSERT INTO users (workspace_id, account_id, name, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			r.workspaceID, acct, name, r.role, "online", now).Scan(&userID)
		if db.IsUniqueViolation(err) {
			return errAlreadyMember
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET accepted_user_id = ? WHERE id = ?`, userID, r.id); err != nil {
			return err
		}
		// The teams that still exist: one deleted since the invitation
		// is skipped. Routing drains each team's queue on the event.
		for _, team := range r.teams {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM teams WHERE workspace_id = ? AND id = ?`, r.workspaceID, team).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO team_members (team_id, user_id) VALUES (?, ?)`, team, userID); err != nil {
				return err
			}
			if _, err := event.Append(ctx, tx, event.New{WorkspaceID: r.workspaceID, Type: event.TeamMembersUpdated,
				Payload: map[string]any{"team_id": team, "added": []int64{userID}, "removed": []int64{}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return SignedIn{}, wrap("accept invitation", err)
	}
	u, err := s.GetUser(ctx, r.workspaceID, userID)
	if err != nil {
		return SignedIn{}, err
	}
	_, raw, err := s.CreateToken(ctx, r.workspaceID, NewToken{UserID: userID, Name: "session", Kind: KindSession, TTL: in.TTL,
		UserAgent: in.UserAgent, ClientAddr: in.ClientAddr, account: account, passwordHash: accountHash})
	return SignedIn{User: u, Token: raw}, err
}

// newInvitationToken is a link's random token.
func newInvitationToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "inv_" + base64.RawURLEncoding.EncodeToString(b)
}

func parseTeamIDs(s string) []int64 {
	out := []int64{}
	json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []int64{}
	}
	return out
}
