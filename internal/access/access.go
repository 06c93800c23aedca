// Package access says who a request or a stream acts as and what that
// person may see and do. It is a leaf: the domain packages take a Principal
// on every read and write and turn it into SQL with the helpers here, so
// visibility is decided once, in the query, never in a handler.
package access

import (
	"slices"
	"strings"
)

// Roles a member may have in a workspace.
const (
	RoleOwner   = "owner"
	RoleManager = "manager"
	RoleAgent   = "agent"
)

// Permissions are what the restrictions settings allow a member. They are
// resolved once, when the principal is authenticated: the per-user override
// if there is one, else the workspace's setting for the role, else Defaults.
type Permissions struct {
	// SeeAllConversations widens an agent's view from "assigned to me and my
	// teams' unassigned" to every conversation of the workspace.
	SeeAllConversations bool `json:"see_all_conversations"`
	ExportContacts      bool `json:"export_contacts"`
	DeleteContacts      bool `json:"delete_contacts"`
}

// Defaults are the permissions of a role nobody has restricted or widened:
// managers and owners may do everything, agents see their own and their
// teams' unassigned conversations and may neither export nor delete.
func Defaults(role string) Permissions {
	if role == RoleAgent {
		return Permissions{}
	}
	return Permissions{SeeAllConversations: true, ExportContacts: true, DeleteContacts: true}
}

// Principal is who a request acts as.
type Principal struct {
	WorkspaceID int64
	UserID      int64 // zero for a workspace token (an integration acting as owner)
	Role        string
	Teams       []int64 // the teams the user belongs to, ascending
	Can         Permissions
	TokenID     int64
	TokenKind   string // "api" or "session"
	// Scopes limit what an API token may do (read_only, and the areas
	// contacts, conversations, workflows); none: full access. Sessions
	// are never scoped.
	Scopes []string
	// TwoFactorMissing: a session of a person without two-factor sign-in
	// in a workspace that requires it, which reaches only their account.
	TwoFactorMissing bool
}

// System is the principal of the engine itself (workflows, routing, timers):
// the owner of the workspace, seeing everything.
func System(workspaceID int64) Principal {
	return Principal{WorkspaceID: workspaceID, Role: RoleOwner, Can: Defaults(RoleOwner)}
}

// Unrestricted reports whether the principal sees every conversation:
// workspace tokens and owners always do; managers and agents as their
// resolved permissions say (managers by default, agents when widened).
func (p Principal) Unrestricted() bool {
	return p.UserID == 0 || p.Role == RoleOwner || p.Can.SeeAllConversations
}

// InTeam reports whether the user belongs to the team.
func (p Principal) InTeam(teamID int64) bool {
	_, ok := slices.BinarySearch(p.Teams, teamID)
	return teamID != 0 && ok
}

// SeesConversation reports whether a conversation with this assignee and
// team (zero for none) is visible: the Go twin of ConversationScope, for
// rows already in hand.
func (p Principal) SeesConversation(assigneeID, teamID int64) bool {
	if p.Unrestricted() {
		return true
	}
	return assigneeID == p.UserID || (assigneeID == 0 && p.InTeam(teamID))
}

// Holding is a conversation's assignee and team (zero for none): what
// its visibility depends on.
type Holding struct{ Assignee, Team int64 }

// SeesContact reports whether a contact whose conversations are held so
// (one Holding per conversation, or per distinct pair) is visible: the Go
// twin of ContactScope, for rows already in hand.
func (p Principal) SeesContact(conversations []Holding) bool {
	if p.Unrestricted() || len(conversations) == 0 {
		return true
	}
	for _, c := range conversations {
		if p.SeesConversation(c.Assignee, c.Team) {
			return true
		}
	}
	return false
}

// Restrictable lists the roles whose permissions owners may set; owners
// are always unrestricted.
var Restrictable = []string{RoleAgent, RoleManager}

// ConversationScope returns an SQL condition, over the conversations table
// aliased as alias, that keeps the conversations the principal may see, and
// its arguments. It is "1=1" for an unrestricted principal so callers can
// always AND it in.
func (p Principal) ConversationScope(alias string) (string, []any) {
	if p.Unrestricted() {
		return "1=1", nil
	}
	col := func(c string) string {
		if alias == "" {
			return c
		}
		return alias + "." + c
	}
	if len(p.Teams) == 0 {
		return col("assignee_id") + " = ?", []any{p.UserID}
	}
	args := []any{p.UserID}
	marks := make([]string, len(p.Teams))
	for i, t := range p.Teams {
		marks[i] = "?"
		args = append(args, t)
	}
	return "(" + col("assignee_id") + " = ? OR (" + col("assignee_id") + " IS NULL AND " +
		col("team_id") + " IN (" + strings.Join(marks, ", ") + ")))", args
}

// ContactScope returns an SQL condition, over the contacts table aliased as
// alias (which must be non-empty), that keeps the contacts the principal
// may see, and its arguments. A restricted principal sees a contact when
// it may see at least one of the contact's conversations, or when the
// contact has no conversation at all (a new lead nobody works on yet is
// everyone's to pick up; one somebody else works on stays theirs).
func (p Principal) ContactScope(alias string) (string, []any) {
	if p.Unrestricted() {
		return "1=1", nil
	}
	scope, args := p.ConversationScope("sc")
	return "(EXISTS (SELECT 1 FROM conversations sc WHERE sc.contact_id = " + alias + ".id AND " + scope + ")" +
		" OR NOT EXISTS (SELECT 1 FROM conversations sn WHERE sn.contact_id = " + alias + ".id))", args
}
