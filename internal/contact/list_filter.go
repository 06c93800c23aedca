package contact

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// ListFilter narrows a contact listing (and an export). Its conditions are
// ANDed.
type ListFilter struct {
	Search            string    // substring of name, phone or email
	Tag               string    // a tag the contact has
	Field             string    // key=value: a custom field has exactly this value
	Stage             string    // the lifecycle stage's name
	ChannelID         int64     // the contact has an identity on this channel
	LastMessageAfter  time.Time // the contact last wrote at or after
	LastMessageBefore time.Time // the contact last wrote before (contacts who never wrote count as before)
	// Test: "" leaves the Workflow Builder's test contacts out, "include"
	// lists them too, "only" lists them alone.
	Test string
	// Blocked: "" lists blocked contacts with the others, "only" lists
	// them alone, "exclude" leaves them out.
	Blocked string
}

// ParseListFilter reads a ListFilter from a query: q (or search), tag,
// field, stage, channel_id, blocked, last_message_after and
// last_message_before (RFC 3339 times).
func ParseListFilter(q url.Values) (ListFilter, error) {
	f := ListFilter{Search: q.Get("q"), Tag: q.Get("tag"), Field: q.Get("field"), Stage: q.Get("stage"), Test: q.Get("test"),
		Blocked: q.Get("blocked")}
	if f.Test != "" && f.Test != "include" && f.Test != "only" {
		return f, apperr.BadRequest("test must be include or only")
	}
	if f.Blocked != "" && f.Blocked != "only" && f.Blocked != "exclude" {
		return f, apperr.BadRequest("blocked must be only or exclude")
	}
	if f.Search == "" {
		f.Search = q.Get("search")
	}
	if v := q.Get("channel_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, apperr.BadRequest("channel_id must be a positive integer")
		}
		f.ChannelID = n
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"last_message_after", &f.LastMessageAfter}, {"last_message_before", &f.LastMessageBefore}} {
		if v := q.Get(t.name); v != "" {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, apperr.BadRequest("%s must be an RFC 3339 time like 2026-01-31T09:00:00Z", t.name)
			}
			*t.dst = tm
		}
	}
	return f, nil
}

// where returns the filter's condition over contacts aliased c, the
// principal's scope and workspace included. A search longer than
// limit.Search characters, or a tag or stage longer than one can be, is a
// bad request: SQLite refuses LIKE patterns past 50,000 bytes, and no
// contact could match anyway.
func (f ListFilter) where(p Principal) (string, []any, error) {
	for _, c := range []struct {
		name, v string
		max     int
	}{{"search", f.Search, limit.Search}, {"tag", f.Tag, MaxTagLen}, {"stage", f.Stage, MaxStageLen},
		{"field", f.Field, 50 + 1 + limit.Search}} {
		if err := limit.Param(c.name, c.v, c.max); err != nil {
			return "", nil, err
		}
	}
	scope, scopeArgs := p.ContactScope("c")
	conds := []string{"c.workspace_id = ?", scope}
	args := append([]any{p.WorkspaceID}, scopeArgs...)
	if f.Search != "" {
		cond, condArgs := SearchMatch("c", f.Search)
		conds = append(conds, cond)
		args = append(args, condArgs...)
	}
	if f.Tag != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND t.name = ?)`)
		args = append(args, f.Tag)
	}
	if f.Field != "" {
		key, value, ok := strings.Cut(f.Field, "=")
		if !ok || key == "" {
			return "", nil, apperr.BadRequest("field must be key=value")
		}
		conds = append(conds, `EXISTS (SELECT 1 FROM contact_field_values v JOIN custom_fields cf ON cf.id = v.field_id
			WHERE v.contact_id = c.id AND cf.workspace_id = ? AND cf.key = ? AND substr(v.value, 1, 100) = substr(?, 1, 100) AND v.value = ?)`)
		args = append(args, p.WorkspaceID, key, value, value) // the prefix is what the index holds (migration 052)
	}
	if f.Stage != "" {
		conds = append(conds, `c.lifecycle_stage_id IN (SELECT ls.id FROM lifecycle_stages ls WHERE ls.workspace_id = ? AND ls.name = ?)`)
		args = append(args, p.WorkspaceID, f.Stage)
	}
	if f.ChannelID != 0 {
		conds = append(conds, `EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = c.id AND ci.channel_id = ?)`)
		args = append(args, f.ChannelID)
	}
	switch f.Test {
	case "":
		conds = append(conds, `c.is_test = 0`)
	case "only":
		conds = append(conds, `c.is_test = 1`)
	case "include":
	default:
		return "", nil, apperr.BadRequest("test must be include or only")
	}
	switch f.Blocked {
	case "":
	case "only":
		conds = append(conds, `c.blocked_at IS NOT NULL`)
	case "exclude":
		conds = append(conds, `c.blocked_at IS NULL`)
	default:
		return "", nil, apperr.BadRequest("blocked must be only or exclude")
	}
	if !f.LastMessageAfter.IsZero() {
		conds = append(conds, `c.last_incoming_at >= ?`)
		args = append(args, f.LastMessageAfter.UnixMilli())
	}
	if !f.LastMessageBefore.IsZero() {
		conds = append(conds, `c.last_incoming_at < ?`)
		args = append(args, f.LastMessageBefore.UnixMilli())
	}
	return strings.Join(conds, " AND "), args, nil
}

// Check refuses a filter no list could answer (ParseListFilter's and
// where's errors), for a filter stored to be applied later (a
// broadcast's audience).
func (f ListFilter) Check() error {
	_, _, err := f.where(Principal{})
	return err
}
