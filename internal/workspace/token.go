package workspace

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Token describes an API token or a session; the secret itself is shown
// once, at creation, and only its SHA-256 is stored.
type Token struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	UserID     int64     `json:"user_id,omitempty"`
	Prefix     string    `json:"prefix"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	// Scopes limit an API token (see ScopeReadOnly); empty: full access.
	Scopes []string `json:"scopes"`
}

// Kinds of token.
const (
	KindAPI     = "api"
	KindSession = "session"
)

// NewToken is what creating a token takes. UserID ties the token to a user
// (acting with that user's role); zero makes a workspace token acting as an
// owner-level integration.
type NewToken struct {
	Name   string
	Kind   string // "api" (default) or "session"
	UserID int64
	TTL    time.Duration // zero: never expires
	// Scopes limit an API token (see ScopeReadOnly); none: full access.
	// A session takes none.
	Scopes []string
	// UserAgent and ClientAddr describe the client that opened a session,
	// shown in the user's list of sessions; both are cut short.
	UserAgent, ClientAddr string
	// account and passwordHash are the password check a sign-in passed:
	// the session is made only while that account's hash is still the
	// one checked, so a password changed during the (slow) check signs
	// this sign-in out too.
	account      int64
	passwordHash string
}

// Principal is who a request acts as; see package access.
type Principal = access.Principal

// CreateToken makes a token and returns it with its secret.
func (s *Service) CreateToken(ctx context.Context, workspaceID int64, in NewToken) (Token, string, error) {
	if strings.TrimSpace(in.Name) == "" {
		return Token{}, "", apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", in.Name, MaxNameLen); err != nil {
		return Token{}, "", err
	}
	if in.Kind == "" {
		in.Kind = KindAPI
	}
	scopes, err := normalScopes(in.Scopes)
	if err != nil {
		return Token{}, "", err
	}
	if in.Kind != KindAPI && len(scopes) > 0 {
		return Token{}, "", apperr.Invalid("scopes", "only API tokens have scopes; sessions act with the person's role")
	}
	b := make([]byte, 32)
	rand.Read(b)
	raw := "sb_" + base64.RawURLEncoding.EncodeToString(b)
	t := Token{Name: in.Name, Kind: in.Kind, UserID: in.UserID, Prefix: raw[:10], CreatedAt: db.Time(s.nowMs()), Scopes: scopes}
	if in.TTL > 0 {
		t.ExpiresAt = t.CreatedAt.Add(in.TTL)
	}
	var user sql.NullInt64
	if in.UserID != 0 {
		user = sql.NullInt64{Int64: in.UserID, Valid: true}
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		if in.UserID != 0 {
			var deactivated int64
			var kind string
			err := tx.QueryRow(ctx, `SELECT deactivated_at, kind FROM users WHERE id = ? AND workspace_id = ?`, in.UserID, workspaceID).
				Scan(&deactivated, &kind)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.Invalid("user_id", "user %d is not in this workspace", in.UserID)
			}
			if err != nil {
				return err
			}
			if kind == KindAIAgent {
				// It never signs in (internal/aiagent acts for it), and
				// it has no account for the token's /me to show.
				return apperr.Invalid("user_id", "user %d is an AI agent, which has no sign-in and so no token", in.UserID)
			}
			if deactivated != 0 {
				return apperr.Conflict("user %d is deactivated; reactivate them first", in.UserID)
			}
		}
		if in.account != 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ? AND password_hash = ?`, in.account, in.passwordHash).
				Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ErrBadCredentials
			}
		}
		if !t.ExpiresAt.IsZero() {
			tx.Due(duePurge, db.Millis(t.ExpiresAt))
		}
		return tx.QueryRow(ctx, `INSERT INTO api_tokens (workspace_id, user_id, name, kind, token_hash, prefix, created_at, expires_at,
			user_agent, client_addr, scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, user, t.Name, t.Kind, hashToken(raw), t.Prefix, db.Millis(t.CreatedAt), db.Millis(t.ExpiresAt),
			clientText(in.UserAgent, 200), clientText(in.ClientAddr, 64), joinScopes(scopes)).Scan(&t.ID)
	})
	if err != nil {
		return Token{}, "", wrap("create token", err)
	}
	return t, raw, nil
}

// Authenticate resolves a bearer token to the principal it acts as, with
// its teams and resolved permissions (one query for the token, user and
// workspace, one index probe for the teams of a user's token). The
// token of a deactivated user is refused, so deactivation takes effect on
// every token at once.
func (s *Service) Authenticate(ctx context.Context, raw string) (Principal, error) {
	if !strings.HasPrefix(raw, "sb_") {
		return Principal{}, apperr.Unauthorized("invalid token")
	}
	var p Principal
	var user sql.NullInt64
	var role sql.NullString
	var expires, deactivated int64
	var userPerms *string
	var rolePerms, scopes string
	var require2FA int
	// Read only where it matters (a session, in a workspace that requires
	// it): every request authenticates, most in workspaces that do not.
	var has2FA bool
	err := s.db.Reader().QueryRow(ctx, `SELECT t.id, t.workspace_id, t.user_id, u.role, t.expires_at, t.kind, COALESCE(u.deactivated_at, 0),
		u.permissions, w.role_permissions, t.scopes, w.require_two_factor,
		CASE WHEN w.require_two_factor = 1 AND t.kind = 'session'
			THEN EXISTS (SELECT 1 FROM accounts a WHERE a.id = u.account_id AND a.totp_secret <> '') ELSE TRUE END
		FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id JOIN workspaces w ON w.id = t.workspace_id WHERE t.token_hash = ?`, hashToken(raw)).
		Scan(&p.TokenID, &p.WorkspaceID, &user, &role, &expires, &p.TokenKind, &deactivated, &userPerms, &rolePerms, &scopes, &require2FA, &has2FA)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, apperr.Unauthorized("invalid token")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("workspace: authenticate: %w", err)
	}
	if expires != 0 && expires <= s.nowMs() {
		return Principal{}, apperr.Unauthorized("token expired")
	}
	if deactivated != 0 {
		return Principal{}, apperr.Unauthorized("this user is deactivated")
	}
	p.UserID = user.Int64
	// Sessions only: an API token acts for an integration, which has no
	// authenticator to set up.
	p.TwoFactorMissing = require2FA == 1 && !has2FA && p.TokenKind == KindSession
	if p.TokenKind == KindAPI {
		p.Scopes = splitScopes(scopes)
	}
	p.Role = RoleOwner
	if user.Valid {
		p.Role = role.String
	}
	resolvePermissions(&p, userPerms, rolePerms)
	if err := s.principalTeams(ctx, &p); err != nil {
		return Principal{}, err
	}
	s.touch(ctx, p.TokenID)
	return p, nil
}

// ListTokens returns a page of the workspace's API tokens (not sessions)
// in id order.
func (s *Service) ListTokens(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Token], error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT id, name, kind, COALESCE(user_id, 0), prefix, created_at, expires_at, last_used_at, scopes
		FROM api_tokens WHERE workspace_id = ? AND kind = 'api' AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Token]{}, fmt.Errorf("workspace: list tokens: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Token, error) {
		var t Token
		var c, e, l int64
		var scopes string
		err := rows.Scan(&t.ID, &t.Name, &t.Kind, &t.UserID, &t.Prefix, &c, &e, &l, &scopes)
		t.Scopes = splitScopes(scopes)
		t.CreatedAt, t.ExpiresAt, t.LastUsedAt = db.Time(c), db.Time(e), db.Time(l)
		return t, err
	})
	return page.CutByID(list, req.Limit, func(t Token) int64 { return t.ID }), err
}

// RevokeToken deletes a token; requests using it fail from then on.
func (s *Service) RevokeToken(ctx context.Context, workspaceID, id int64) error {
	err := s.db.Write(ctx, func(tx *db.Tx) error { return tx.DeleteOwned(ctx, "api_tokens", "token", workspaceID, id) })
	if err == nil {
		s.forget(id)
	}
	return err
}

// forget drops the last-use memory of tokens that no longer exist.
func (s *Service) forget(ids ...int64) {
	for _, id := range ids {
		s.lastUse.Delete(id)
	}
}

// clientText makes client-supplied text fit to store and show: control
// characters (NUL included) go, and it is cut to at most n bytes on a
// character boundary.
func clientText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

func hashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// touch records a token's last use. It writes at most once a minute per
// token so that authenticating stays a read on the hot path, and a failure
// to record it never fails the request. Every agent's requests touch their
// session, so on PostgreSQL it runs beside other writes: through the
// exclusive door each touch held back every node's writes until those in
// flight had committed. Its only invariant is the row's own, which the
// named row lock and the conditional UPDATE keep.
func (s *Service) touch(ctx context.Context, tokenID int64) {
	now := s.nowMs()
	if last, ok := s.lastUse.Load(tokenID); ok && now-last.(int64) < 60_000 {
		return
	}
	s.lastUse.Store(tokenID, now)
	s.db.WriteConcurrent(db.WithRows(ctx, "api_tokens", tokenID), func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, now, tokenID, now-60_000)
		return err
	})
}

// nowMs is the service's clock in the unit of the timestamp columns.
func (s *Service) nowMs() int64 { return s.clock.Now().UnixMilli() }
