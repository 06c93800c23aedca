package workspace

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// PermissionsInput is one role's or one user's permissions as an owner
// sets them: all three flags, so that nothing is granted or taken by
// omission.
type PermissionsInput struct {
	SeeAllConversations *bool `json:"see_all_conversations"`
	ExportContacts      *bool `json:"export_contacts"`
	DeleteContacts      *bool `json:"delete_contacts"`
}

// permissions checks that every flag is given and returns them.
func (in PermissionsInput) permissions(field string) (access.Permissions, error) {
	if in.SeeAllConversations == nil || in.ExportContacts == nil || in.DeleteContacts == nil {
		return access.Permissions{}, apperr.Invalid(field, "must give see_all_conversations, export_contacts and delete_contacts")
	}
	return access.Permissions{SeeAllConversations: *in.SeeAllConversations, ExportContacts: *in.ExportContacts,
		DeleteContacts: *in.DeleteContacts}, nil
}

// rolePermissions is the workspaces.role_permissions column: the roles an
// owner has set, by role.
type rolePermissions map[string]access.Permissions

func parseRolePermissions(raw string) rolePermissions {
	out := rolePermissions{}
	// The column is only ever written by this package, from validated
	// input; an unreadable value falls back to the defaults.
	_ = json.Unmarshal([]byte(raw), &out)
	return out
}

// effective returns the permissions of every restrictable role: the
// workspace's setting, else the defaults.
func (r rolePermissions) effective() map[string]access.Permissions {
	out := map[string]access.Permissions{}
	for _, role := range access.Restrictable {
		out[role] = r.of(role)
	}
	return out
}

func (r rolePermissions) of(role string) access.Permissions {
	if p, ok := r[role]; ok {
		return p
	}
	return access.Defaults(role)
}

// resolvePermissions fills p.Can: owners and workspace tokens may do
// everything; anyone else has their own override if set, else their
// role's setting in the workspace, else the role's defaults.
func resolvePermissions(p *Principal, userPermissions *string, workspacePermissions string) {
	if p.UserID == 0 || p.Role == RoleOwner {
		p.Can = access.Defaults(RoleOwner)
		return
	}
	if userPermissions != nil {
		if err := json.Unmarshal([]byte(*userPermissions), &p.Can); err == nil {
			return
		}
	}
	p.Can = parseRolePermissions(workspacePermissions).of(p.Role)
}

// principalTeams reads the teams of the principal's user, ascending.
func (s *Service) principalTeams(ctx context.Context, p *Principal) error {
	if p.UserID == 0 {
		return nil
	}
	teams, err := db.QueryIDs(ctx, s.db.Reader(), `SELECT team_id FROM team_members WHERE user_id = ? ORDER BY team_id`, p.UserID)
	if err != nil {
		return fmt.Errorf("workspace: authenticate: teams: %w", err)
	}
	p.Teams = teams
	return nil
}

// setRolePermissions applies an owner's change of the per-role settings
// inside tx: a role given an object takes it, a role given null goes back
// to the defaults.
func setRolePermissions(ctx context.Context, tx *db.Tx, workspaceID int64, in map[string]*PermissionsInput) error {
	if in == nil {
		return nil
	}
	changes := rolePermissions{}
	for role, v := range in {
		if !slices.Contains(access.Restrictable, role) {
			return apperr.Invalid("permissions."+limit.Clip(role, 40), "is not a role whose permissions can be set (agent or manager; owners may do everything)")
		}
		if v == nil {
			continue
		}
		p, err := v.permissions("permissions." + role)
		if err != nil {
			return err
		}
		changes[role] = p
	}
	var raw string
	if err := tx.QueryRow(ctx, `SELECT role_permissions FROM workspaces WHERE id = ?`, workspaceID).Scan(&raw); err != nil {
		return err
	}
	current := parseRolePermissions(raw)
	for role, v := range in {
		if v == nil {
			delete(current, role)
		} else {
			current[role] = changes[role]
		}
	}
	b, _ := json.Marshal(current)
	_, err := tx.Exec(ctx, `UPDATE workspaces SET role_permissions = ? WHERE id = ?`, string(b), workspaceID)
	return err
}

// userPermissionsValue reads the permissions member of a user update:
// absent (nil) leaves the override alone, null clears it, an object sets
// it. The result is what to store (nil: NULL) and whether to store it.
func userPermissionsValue(raw json.RawMessage, role string) (value *string, set bool, err error) {
	if raw == nil {
		return nil, false, nil
	}
	if string(raw) == "null" {
		return nil, true, nil
	}
	var in PermissionsInput
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, false, apperr.Invalid("permissions", "must be null or an object of see_all_conversations, export_contacts and delete_contacts")
	}
	if role == RoleOwner {
		return nil, false, apperr.Invalid("permissions", "owners may do everything; their permissions cannot be set")
	}
	p, err := in.permissions("permissions")
	if err != nil {
		return nil, false, err
	}
	b, _ := json.Marshal(p)
	v := string(b)
	return &v, true, nil
}

// userPermissions decodes the users.permissions column for display.
func userPermissions(raw *string) *access.Permissions {
	if raw == nil {
		return nil
	}
	var p access.Permissions
	if json.Unmarshal([]byte(*raw), &p) != nil {
		return nil
	}
	return &p
}

// setUserPermissions applies the permissions member of a user update
// inside tx; role is the user's role as the transaction sees it.
func setUserPermissions(ctx context.Context, tx *db.Tx, userID int64, raw json.RawMessage, role string) error {
	value, set, err := userPermissionsValue(raw, role)
	if err != nil || !set {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE users SET permissions = ? WHERE id = ?`, value, userID)
	return err
}

// MemberPrincipal is the principal a member acts as in their workspace,
// with their teams and resolved permissions, as their session would be
// (for work done on their behalf away from a request: what a mail to
// them may show). A deactivated or unknown member is not found.
func (s *Service) MemberPrincipal(ctx context.Context, workspaceID, userID int64) (Principal, error) {
	p := Principal{WorkspaceID: workspaceID, UserID: userID}
	var userPerms *string
	var rolePerms string
	err := s.db.Reader().QueryRow(ctx, `SELECT u.role, u.permissions, w.role_permissions FROM users u JOIN workspaces w ON w.id = u.workspace_id
		WHERE u.id = ? AND u.workspace_id = ? AND u.deactivated_at = 0`, userID, workspaceID).Scan(&p.Role, &userPerms, &rolePerms)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, apperr.NotFound("user")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("workspace: member principal: %w", err)
	}
	resolvePermissions(&p, userPerms, rolePerms)
	return p, s.principalTeams(ctx, &p)
}
