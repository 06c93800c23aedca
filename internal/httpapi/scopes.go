package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// Areas of the API for token scopes, besides the three a token may be
// limited to (workspace.ScopeContacts, ScopeConversations, ScopeWorkflows).
const (
	// areaSelf is the caller's own: who am I, my sessions, notifications
	// and views. A token limited to areas may still use it.
	areaSelf = "self"
	// areaAdmin is the workspace's set-up: people, teams, channels,
	// tokens, invitations, settings. Only a token without areas (full
	// access, or read_only alone for reading) may use it.
	areaAdmin = "admin"
)

// scopeAreas decides the area of every authenticated route, by path
// prefix, in this one place: the longest prefix that matches whole path
// segments wins. A route whose prefix is missing here has no area, which
// every scoped token is refused, and TestTokenScopesOnEveryRoute fails
// until it is added.
var scopeAreas = map[string]string{
	"/api/v1/auth":     areaSelf,
	"/api/v1/me":       areaSelf,
	"/api/v1/me/views": workspace.ScopeConversations,

	"/api/v1/contacts":         workspace.ScopeContacts,
	"/api/v1/custom-fields":    workspace.ScopeContacts,
	"/api/v1/tags":             workspace.ScopeContacts,
	"/api/v1/lifecycle-stages": workspace.ScopeContacts,

	"/api/v1/conversations":      workspace.ScopeConversations,
	"/api/v1/messages":           workspace.ScopeConversations,
	"/api/v1/comments":           workspace.ScopeConversations,
	"/api/v1/closing-categories": workspace.ScopeConversations,
	"/api/v1/snippets":           workspace.ScopeConversations,
	"/api/v1/media":              workspace.ScopeConversations,
	"/api/v1/presence":           workspace.ScopeConversations,
	"/api/v1/routing":            workspace.ScopeConversations,
	"/api/v1/events":             workspace.ScopeConversations,
	"/api/v1/knowledge":          workspace.ScopeConversations,
	"/api/v1/live":               workspace.ScopeConversations,
	"/api/v1/broadcasts":         workspace.ScopeConversations,

	"/api/v1/workflows":          workspace.ScopeWorkflows,
	"/api/v1/shortcuts":          workspace.ScopeWorkflows,
	"/api/v1/workflow-settings":  workspace.ScopeWorkflows,
	"/api/v1/workflow-templates": workspace.ScopeWorkflows,
	"/api/v1/intents":            workspace.ScopeWorkflows,

	"/api/v1/users":         areaAdmin,
	"/api/v1/teams":         areaAdmin,
	"/api/v1/channels":      areaAdmin,
	"/api/v1/channel-types": areaAdmin,
	"/api/v1/tokens":        areaAdmin,
	"/api/v1/workspace":     areaAdmin,
	"/api/v1/invitations":   areaAdmin,
	"/api/v1/webhooks":      areaAdmin,
	// Reports (issue 13): the workspace's figures, like its set-up.
	"/api/v1/reports": areaAdmin,
	"/api/v1/ai":      areaAdmin,
	// The inbox's AI help (issue 15 §4) works on conversations' text.
	"/api/v1/ai/rewrite":   workspace.ScopeConversations,
	"/api/v1/ai/translate": workspace.ScopeConversations,
}

// routeScope is what a route touches, as token scopes see it.
type routeScope struct {
	area   string // "" when undecided: scoped tokens are refused
	writes bool   // any method but GET and HEAD
	// ownAccount: the route is of the caller's own account (who am I,
	// sign-out, sessions, password, two-factor), which a session without
	// the second factor its workspace requires may still reach.
	ownAccount bool
}

// ownAccountRoutes are the prefixes (whole path segments) of the routes
// a session missing its workspace's required second factor may reach:
// enough to see who they are, set two-factor sign-in up, or leave.
var ownAccountRoutes = []string{"/api/v1/auth", "/api/v1/me/two-factor", "/api/v1/me/sessions", "/api/v1/me/password"}

// scopeOf decides a route's scope from its method and pattern.
func scopeOf(method, pattern string) routeScope {
	rs := routeScope{writes: method != http.MethodGet && method != http.MethodHead, ownAccount: pattern == "/api/v1/me"}
	for _, prefix := range ownAccountRoutes {
		if pattern == prefix || strings.HasPrefix(pattern, prefix+"/") {
			rs.ownAccount = true
		}
	}
	best := ""
	for prefix, area := range scopeAreas {
		if (pattern == prefix || strings.HasPrefix(pattern, prefix+"/")) && len(prefix) > len(best) {
			best, rs.area = prefix, area
		}
	}
	return rs
}

// decideScopes gives every authenticated route of the table its scope.
func decideScopes(routes []Route) {
	for _, rt := range routes {
		if a, ok := rt.Handler.(*authedHandler); ok {
			a.scope = scopeOf(rt.Method, rt.Pattern)
		}
	}
}

// errScope refuses a token outside its scopes, saying what is needed.
func errScope(msg string) error {
	return apperr.WithCode(apperr.KindForbidden, "insufficient_scope", msg)
}

// checkScope refuses an API token whose scopes do not cover the route.
// Sessions (browser or API sign-in) and tokens without scopes have full
// access, within their role.
func checkScope(p workspace.Principal, rs routeScope) error {
	if p.TokenKind != workspace.KindAPI || len(p.Scopes) == 0 {
		return nil
	}
	readOnly := slices.Contains(p.Scopes, workspace.ScopeReadOnly)
	var areas []string
	for _, sc := range p.Scopes {
		if sc != workspace.ScopeReadOnly {
			areas = append(areas, sc)
		}
	}
	switch {
	case rs.area == "":
		return errScope("this route belongs to no scope area: only a token without scopes may call it")
	case readOnly && rs.writes:
		return errScope("this token is read-only (scope read_only): this request changes data and needs a token without read_only")
	case len(areas) == 0 || rs.area == areaSelf || slices.Contains(areas, rs.area):
		return nil
	case rs.area == areaAdmin:
		return errScope("this token is limited to " + strings.Join(areas, ", ") +
			": the workspace's set-up (users, teams, channels, tokens, settings) needs a token without area scopes")
	}
	return errScope("this token is limited to " + strings.Join(areas, ", ") + ": this route needs the scope " + rs.area)
}

// readOnlyToken reports whether p is an API token limited to reading, for
// the writes a GET may cause on the side (the live socket's presence).
func readOnlyToken(p workspace.Principal) bool {
	return p.TokenKind == workspace.KindAPI && slices.Contains(p.Scopes, workspace.ScopeReadOnly)
}
