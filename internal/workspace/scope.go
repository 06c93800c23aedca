package workspace

import (
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Scopes an API token may hold. ScopeReadOnly refuses every change; the
// areas limit the token to their routes (a token may hold several). No
// scope at all is full access, as every token had before scopes existed.
// Sessions are never scoped.
const (
	ScopeReadOnly      = "read_only"
	ScopeContacts      = "contacts"
	ScopeConversations = "conversations"
	ScopeWorkflows     = "workflows"
)

// Scopes lists every scope, in the order they are stored and shown.
var Scopes = []string{ScopeReadOnly, ScopeContacts, ScopeConversations, ScopeWorkflows}

// ScopeAreas are the scopes that limit a token to an area of the API.
var ScopeAreas = []string{ScopeContacts, ScopeConversations, ScopeWorkflows}

// normalScopes checks a token's scopes and returns them without
// duplicates in the order of Scopes.
func normalScopes(in []string) ([]string, error) {
	out := []string{}
	for _, sc := range Scopes {
		if slices.Contains(in, sc) {
			out = append(out, sc)
		}
	}
	for _, sc := range in {
		if !slices.Contains(Scopes, sc) {
			return nil, apperr.Invalid("scopes", "unknown scope %q: use read_only, contacts, conversations or workflows", sc)
		}
	}
	return out, nil
}

func joinScopes(s []string) string { return strings.Join(s, ",") }

func splitScopes(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
