package workspace

import "github.com/switchboard-chat/switchboard/internal/limit"

// The longest values of a workspace's settings and people, in characters
// (docs/api.md, "Limits").
const (
	MaxNameLen     = limit.Name  // a workspace's, user's, team's or token's name
	MaxEmailLen    = limit.Email // a user's email
	MaxTimezoneLen = 100         // an IANA time zone name
	MaxTeamMembers = 1000        // member_ids of one team
)
