package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Roles a user may have.
const (
	RoleOwner   = access.RoleOwner
	RoleManager = access.RoleManager
	RoleAgent   = access.RoleAgent
)

// User is a person who works in a workspace.
type User struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Email       string    `json:"email"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	Status      string    `json:"status"` // chosen availability: online or busy
	TeamIDs     []int64   `json:"team_ids"`
	CreatedAt   time.Time `json:"created_at"`
	// DeactivatedAt is when the user was deactivated; absent while they
	// are active.
	DeactivatedAt time.Time `json:"deactivated_at,omitzero"`
	// Permissions override the role's for this user; null: the role's apply.
	Permissions *access.Permissions `json:"permissions"`
	// Kind is human, or ai_agent for an AI agent member (internal/aiagent),
	// which has no account or email and never signs in.
	Kind string `json:"kind"`
}

// Kinds of member.
const (
	KindHuman   = "human"
	KindAIAgent = "ai_agent"
)

// NewUser is what creating a user takes.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	// JoinAccount lets an email that already has an account become a
	// member here with that account (the operator's command line). The
	// API never sets it: a workspace that could attach someone's account
	// by naming their email would sign in as them wherever the account
	// was made by someone else (see CreateUser).
	JoinAccount bool `json:"-"`
}

func validRole(r string) bool { return r == RoleOwner || r == RoleManager || r == RoleAgent }

// CheckNewUser returns the error CreateUser would refuse in with for what
// in says (its email, name, role or password), writing nothing: a caller
// that writes something else for the user first (the command line's new
// workspace) checks the user before, so that a refused user leaves
// nothing behind.
func CheckNewUser(in NewUser) error { return checkNewUser(&in) }

// checkNewUser checks in and normalises it: the email as it signs in,
// the role defaulting to agent.
func checkNewUser(in *NewUser) error {
	in.Email = normalEmail(in.Email)
	if err := checkEmail(in.Email); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return apperr.Invalid("name", "is required")
	}
	if err := limit.Text("name", strings.TrimSpace(in.Name), MaxNameLen); err != nil {
		return err
	}
	if in.Role == "" {
		in.Role = RoleAgent
	}
	if !validRole(in.Role) {
		return apperr.Invalid("role", "must be owner, manager or agent")
	}
	if in.Password != "" {
		if err := checkPassword("password", in.Password); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser adds a user to the workspace. The password may be empty for
// users who only act through API tokens.
//
// An email that already has an account (it signs in elsewhere) is a
// conflict (account_exists) unless in.JoinAccount: that person joins
// through an invitation, accepted with their own password. Attaching the
// account directly let a workspace's manager who had made it (with a
// password of their choosing, before its owner ever signed up) sign in to
// every workspace that later added that email. With JoinAccount the
// person becomes a member with the name and role given and their account
// keeps its own name and password. The same email twice in one workspace
// is a conflict.
func (s *Service) CreateUser(ctx context.Context, workspaceID int64, in NewUser) (User, error) {
	if err := checkNewUser(&in); err != nil {
		return User{}, err
	}
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = s.hasher.hash(ctx, in.Password); err != nil {
			return User{}, err
		}
	}
	u := User{WorkspaceID: workspaceID, Email: in.Email, Name: strings.TrimSpace(in.Name), Role: in.Role, Status: "online", TeamIDs: []int64{}, CreatedAt: db.Time(s.db.Now()), Kind: KindHuman}
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var account int64
		err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE lower(email) = ?`, u.Email).Scan(&account)
		if err == nil && !in.JoinAccount {
			return errAccountExists(u.Email)
		}
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRow(ctx, `INSERT INTO accounts (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				u.Email, u.Name, hash, db.Millis(u.CreatedAt)).Scan(&account)
		}
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO users (workspace_id, account_id, name, role, status, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, account, u.Name, u.Role, u.Status, db.Millis(u.CreatedAt)).Scan(&u.ID)
	})
	if db.IsUniqueViolation(err) {
		return User{}, apperr.Conflict("a user with email %s already exists", u.Email)
	}
	if err != nil {
		return User{}, wrap("create user", err)
	}
	return u, nil
}

// errAccountExists refuses to attach an existing account to a workspace
// without its owner's password (CreateUser).
func errAccountExists(email string) error {
	return apperr.WithCode(apperr.KindConflict, "account_exists",
		email+" already has a Switchboard account: invite them (POST /api/v1/invitations) and they join with their own password")
}

// userColumns read a user; the email is their account's.
const userColumns = `id, workspace_id, COALESCE((SELECT email FROM accounts a WHERE a.id = users.account_id), ''), name, role, status, created_at, deactivated_at, permissions, kind`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created, deactivated int64
	var perms *string
	err := row.Scan(&u.ID, &u.WorkspaceID, &u.Email, &u.Name, &u.Role, &u.Status, &created, &deactivated, &perms, &u.Kind)
	u.CreatedAt, u.DeactivatedAt = db.Time(created), db.Time(deactivated)
	u.Permissions = userPermissions(perms)
	u.TeamIDs = []int64{}
	return u, err
}

// GetUser returns a user of the workspace.
func (s *Service) GetUser(ctx context.Context, workspaceID, id int64) (User, error) {
	u, err := scanUser(s.db.Reader().QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.NotFound("user")
	}
	if err != nil {
		return User{}, fmt.Errorf("workspace: get user: %w", err)
	}
	teams, err := s.userTeams(ctx, []int64{u.ID})
	u.TeamIDs = append(u.TeamIDs, teams[u.ID]...)
	return u, err
}

// ListUsers returns a page of the workspace's users in id order.
func (s *Service) ListUsers(ctx context.Context, workspaceID int64, req page.Request) (page.Page[User], error) {
	users, err := s.listUsers(ctx, workspaceID, req)
	return page.CutByID(users, req.Limit, func(u User) int64 { return u.ID }), err
}

func (s *Service) listUsers(ctx context.Context, workspaceID int64, req page.Request) ([]User, error) {
	after, args := req.ByID("id", false)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+userColumns+` FROM users WHERE workspace_id = ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return nil, fmt.Errorf("workspace: list users: %w", err)
	}
	defer rows.Close()
	users := []User{}
	var ids []int64
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("workspace: list users: %w", err)
		}
		users = append(users, u)
		ids = append(ids, u.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	teams, err := s.userTeams(ctx, ids)
	for i := range users {
		users[i].TeamIDs = append(users[i].TeamIDs, teams[users[i].ID]...)
	}
	return users, err
}

func (s *Service) userTeams(ctx context.Context, userIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(userIDs) == 0 {
		return out, nil
	}
	in, args := db.In(userIDs)
	rows, err := s.db.Reader().Query(ctx, `SELECT user_id, team_id FROM team_members WHERE user_id IN `+in+` ORDER BY team_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("workspace: user teams: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, t int64
		if err := rows.Scan(&u, &t); err != nil {
			return nil, err
		}
		out[u] = append(out[u], t)
	}
	return out, rows.Err()
}

// UserUpdate is a partial update of a user; nil fields are unchanged.
type UserUpdate struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Status   *string `json:"status"`
	Password *string `json:"password"`
	// Permissions (owners only) overrides the role's permissions for this
	// user with an object of the three flags; null clears the override.
	Permissions json.RawMessage `json:"permissions"`
}

// UpdateUser changes a user. The last active owner of a workspace cannot
// be demoted. Only the given fields are written, read and checked in the
// transaction that writes them: a rename never puts back a status the user
// changed meanwhile, and two owners demoting each other at once cannot
// leave the workspace with none. A new password set here is a reset by
// someone else: it ends every session of the user (people change their
// own with ChangePassword, which needs the current one), and is refused
// for a person who also works in another workspace (see resetPassword).
func (s *Service) UpdateUser(ctx context.Context, workspaceID, id int64, in UserUpdate) (User, error) {
	var name *string
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		if n == "" {
			return User{}, apperr.Invalid("name", "is required")
		}
		if err := limit.Text("name", n, MaxNameLen); err != nil {
			return User{}, err
		}
		name = &n
	}
	if in.Role != nil && !validRole(*in.Role) {
		return User{}, apperr.Invalid("role", "must be owner, manager or agent")
	}
	if in.Status != nil && *in.Status != "online" && *in.Status != "busy" {
		return User{}, apperr.Invalid("status", "must be online or busy")
	}
	var hash *string
	if in.Password != nil {
		if err := checkPassword("password", *in.Password); err != nil {
			return User{}, err
		}
		h, err := s.hasher.hash(ctx, *in.Password)
		if err != nil {
			return User{}, err
		}
		hash = &h
	}
	var ended []int64
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var role, kind string
		err := tx.QueryRow(ctx, `SELECT role, kind FROM users WHERE workspace_id = ? AND id = ?`, workspaceID, id).Scan(&role, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("user")
		}
		if err != nil {
			return err
		}
		if kind == KindAIAgent {
			// An AI agent member works as an agent and never signs in
			// (internal/aiagent owns it): no other role, no password.
			if in.Role != nil && *in.Role != RoleAgent {
				return apperr.Invalid("role", "an AI agent member works as an agent")
			}
			if hash != nil {
				return apperr.Invalid("password", "an AI agent member has no sign-in")
			}
		}
		if role == RoleOwner && in.Role != nil && *in.Role != RoleOwner {
			if err := keepAnOwner(ctx, tx, workspaceID, id); err != nil {
				return err
			}
		}
		if err := setUserPermissions(ctx, tx, id, in.Permissions, role); err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, `UPDATE users SET name = COALESCE(?, name), role = COALESCE(?, role), status = COALESCE(?, status) WHERE id = ?`,
			name, in.Role, in.Status, id); err != nil || hash == nil {
			return err
		}
		ended, err = resetPassword(ctx, tx, workspaceID, id, *hash)
		return err
	})
	s.forget(ended...)
	if err != nil {
		return User{}, wrap("update user", err)
	}
	return s.GetUser(ctx, workspaceID, id)
}

// keepAnOwner refuses a change that would leave the workspace without an
// active owner: id stops being one, so another must remain, a person (an
// AI agent member signs in to nothing).
func keepAnOwner(ctx context.Context, tx *db.Tx, workspaceID, id int64) error {
	var owners int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE workspace_id = ? AND role = 'owner' AND kind = 'human' AND deactivated_at = 0 AND id <> ?`,
		workspaceID, id).Scan(&owners); err != nil {
		return err
	}
	if owners == 0 {
		return apperr.Conflict("a workspace needs at least one active owner")
	}
	return nil
}

// UserByEmail finds the oldest membership of the account that signs in
// with email.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	var id, workspaceID int64
	err := s.db.Reader().QueryRow(ctx, `SELECT u.id, u.workspace_id FROM users u JOIN accounts a ON a.id = u.account_id
		WHERE lower(a.email) = ? ORDER BY u.id LIMIT 1`, normalEmail(email)).Scan(&id, &workspaceID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.NotFound("user")
	}
	if err != nil {
		return User{}, fmt.Errorf("workspace: user by email: %w", err)
	}
	return s.GetUser(ctx, workspaceID, id)
}

// resetPassword sets the password of a user's account for them (an owner
// or manager did) and ends all their sessions. Only an account that works
// in this workspace alone: its password opens every workspace of the
// person, so one workspace setting it would take over the others.
func resetPassword(ctx context.Context, tx *db.Tx, workspaceID, id int64, hash string) ([]int64, error) {
	account, err := accountOf(ctx, tx, workspaceID, id)
	if err != nil {
		return nil, err
	}
	var others int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE account_id = ? AND workspace_id <> ?`, account, workspaceID).Scan(&others); err != nil {
		return nil, err
	}
	if others > 0 {
		return nil, apperr.Conflict("this person's sign-in is also used outside this workspace: they change their password themselves (PUT /api/v1/me/password)")
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ?`, hash, account); err != nil {
		return nil, err
	}
	ended, err := passwordChanged(ctx, tx, account, 0)
	return sessionIDs(ended), err
}
