package conversation

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Sorts of a conversation list. Each is one index walk (migration 013).
const (
	SortNewest      = "newest"       // opened most recently first (the default, as lists were before sorts)
	SortLastMessage = "last_message" // latest message first
	SortWaiting     = "waiting"      // oldest unanswered contact message first; not waiting last
	SortOldest      = "oldest"       // opened longest ago first
)

// Sorts lists the sorts a list accepts, the default first.
var Sorts = []string{SortNewest, SortLastMessage, SortWaiting, SortOldest}

// NotWaiting is waiting_since for a conversation whose contact has no
// unanswered message: the largest BIGINT, so it sorts after every waiting
// one. The API shows it as absent.
const NotWaiting int64 = 1<<63 - 1

// Limits of filter values: the longest a contact may hold (a tag's name,
// a stage's name, a custom field's key and its longest value, a text's),
// so any value stored can be filtered on and only a longer one, which
// could match nothing, is refused.
const (
	maxFilterTag   = contact.MaxTagLen
	maxFilterStage = contact.MaxStageLen
	maxFilterField = maxFieldKey + 1 + contact.MaxTextValueLen
	maxFieldKey    = 50 // a custom field's key (contact.Field)
	// MaxSince bounds the time-since-last-incoming filters, in seconds:
	// 366 days, longer than any inbox looks back.
	MaxSince = 366 * 24 * 60 * 60
)

// ListFilter narrows and orders a conversation list. The zero value lists
// every conversation the principal sees, newest first.
type ListFilter struct {
	Sort         string `json:"sort,omitempty"`
	Status       string `json:"status,omitempty"`        // open, snoozed, closed, or "" for all
	Assignee     string `json:"assignee,omitempty"`      // "me", "none", a user id, or "" for anyone
	TeamID       int64  `json:"team_id,omitempty"`       //
	ChannelID    int64  `json:"channel_id,omitempty"`    //
	ContactID    int64  `json:"contact_id,omitempty"`    //
	Tag          string `json:"tag,omitempty"`           // a tag name of the contact
	Field        string `json:"field,omitempty"`         // key=value of a contact custom field
	Stage        string `json:"stage,omitempty"`         // the contact's lifecycle stage name
	OpenedSource string `json:"opened_source,omitempty"` // contact, user, workflow, api
	Q            string `json:"q,omitempty"`             // substring of the contact's name, phone or email
	// Time since the contact last wrote in the conversation, in seconds
	// before the request: LastIncomingWithin keeps the conversations the
	// contact wrote in since then, LastIncomingOlderThan those with no
	// message from the contact since then (one it never wrote in counts
	// from its opening). The conversation's own last_incoming_at, not the
	// contact's: the list shows conversations, the one open conversation
	// of a contact holds the contact's last message anyway, and a closed
	// one is not "written in" because its contact wrote in a newer one.
	LastIncomingWithin    int64 `json:"last_incoming_within,omitempty"`
	LastIncomingOlderThan int64 `json:"last_incoming_older_than,omitempty"`
	// Test says whether the Workflow Builder's test conversations are
	// listed: "" leaves them out (unless ContactID names the contact),
	// TestInclude lists them with the others, TestOnly lists them alone.
	Test string `json:"test,omitempty"`
	// fromCounts: the conditions are over countsTable, which holds no test
	// conversation (migration 023) and no contact.
	fromCounts bool
	// now is the instant, in milliseconds, the relative filters count
	// back from: the service's clock at the request.
	now int64
}

// Values of ListFilter.Test (and of the contacts list's test filter).
const (
	TestInclude = "include"
	TestOnly    = "only"
)

// FilterParams are the query parameters a ListFilter reads (the list's
// paging parameters, cursor and limit, are separate).
var FilterParams = []string{"sort", "status", "assignee", "assignee_id", "team_id", "channel_id", "contact_id",
	"tag", "field", "stage", "opened_source", "q", "test", "last_incoming_within", "last_incoming_older_than"}

// ParseFilter reads a filter from query parameters, the same ones a saved
// view stores. A value no conversation could match is a 400 saying what
// is expected. assignee_id is the older name of assignee.
func ParseFilter(q url.Values) (ListFilter, error) {
	f := ListFilter{Sort: q.Get("sort"), Status: q.Get("status"), Assignee: q.Get("assignee"), Tag: q.Get("tag"),
		Field: q.Get("field"), Stage: q.Get("stage"), OpenedSource: q.Get("opened_source"), Q: q.Get("q"),
		Test: q.Get("test")}
	if f.Assignee == "" {
		f.Assignee = q.Get("assignee_id")
	}
	for _, id := range []struct {
		name string
		to   *int64
	}{{"team_id", &f.TeamID}, {"channel_id", &f.ChannelID}, {"contact_id", &f.ContactID}} {
		s := q.Get(id.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return f, apperr.BadRequest("query parameter %s must be a positive id", id.name)
		}
		*id.to = n
	}
	for _, d := range []struct {
		name string
		to   *int64
	}{{"last_incoming_within", &f.LastIncomingWithin}, {"last_incoming_older_than", &f.LastIncomingOlderThan}} {
		s := q.Get(d.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 || n > MaxSince {
			return f, sinceError(d.name)
		}
		*d.to = n
	}
	return f, f.Validate()
}

// Validate checks every value of the filter; the error is a 400 naming
// the parameter.
func (f ListFilter) Validate() error {
	switch f.Sort {
	case "", SortLastMessage, SortWaiting, SortNewest, SortOldest:
	default:
		return apperr.BadRequest("query parameter sort must be one of %s", strings.Join(Sorts, ", "))
	}
	switch f.Status {
	case "", StatusOpen, StatusSnoozed, StatusClosed:
	default:
		return apperr.BadRequest("query parameter status must be open, snoozed or closed")
	}
	switch f.OpenedSource {
	case "", SourceContact, SourceUser, SourceWorkflow, SourceAPI:
	default:
		return apperr.BadRequest("query parameter opened_source must be contact, user, workflow or api")
	}
	switch f.Test {
	case "", TestInclude, TestOnly:
	default:
		return apperr.BadRequest("query parameter test must be include or only")
	}
	if _, _, err := f.assignee(access.Principal{}); err != nil {
		return err
	}
	if f.TeamID < 0 || f.ChannelID < 0 || f.ContactID < 0 {
		return apperr.BadRequest("id filters must be positive ids")
	}
	for _, p := range []struct {
		name, v string
		max     int
	}{{"tag", f.Tag, maxFilterTag}, {"stage", f.Stage, maxFilterStage}, {"field", f.Field, maxFilterField},
		{"q", f.Q, limit.Search}} {
		if err := limit.Param(p.name, p.v, p.max); err != nil {
			return err
		}
	}
	if f.Field != "" {
		if k, _, ok := strings.Cut(f.Field, "="); !ok || k == "" {
			return apperr.BadRequest("query parameter field must be key=value")
		}
	}
	for _, d := range []struct {
		name string
		v    int64
	}{{"last_incoming_within", f.LastIncomingWithin}, {"last_incoming_older_than", f.LastIncomingOlderThan}} {
		if d.v < 0 || d.v > MaxSince {
			return sinceError(d.name)
		}
	}
	if f.LastIncomingWithin != 0 && f.LastIncomingOlderThan >= f.LastIncomingWithin {
		return apperr.BadRequest("query parameter last_incoming_within must be longer than last_incoming_older_than, or no conversation matches")
	}
	return nil
}

func sinceError(name string) error {
	return apperr.BadRequest("query parameter %s must be a number of seconds from 1 to %d (366 days)", name, MaxSince)
}

// assignee resolves the assignee filter for p: the user id to match, or
// unassigned; 0 and false for anyone.
func (f ListFilter) assignee(p access.Principal) (id int64, none bool, err error) {
	switch f.Assignee {
	case "":
		return 0, false, nil
	case "none":
		return 0, true, nil
	case "me":
		// A workspace token has no user: "me" matches nothing, as no
		// conversation is assigned to it.
		if p.UserID == 0 {
			return -1, false, nil
		}
		return p.UserID, false, nil
	}
	n, err := strconv.ParseInt(f.Assignee, 10, 64)
	if err != nil || n <= 0 {
		return 0, false, apperr.BadRequest("query parameter assignee must be a user id, me or none")
	}
	return n, false, nil
}

// sortOf returns the sort key column and its direction.
func sortOf(sort string) (key string, desc bool) {
	switch sort {
	case SortWaiting:
		return "c.waiting_since", false
	case SortLastMessage:
		return "c.last_message_at", true
	case SortOldest:
		return "c.opened_at", false
	}
	return "c.opened_at", true
}

// likeEscaper makes a search string match literally inside LIKE '%…%'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// where returns the conditions of the filter and the principal's scope
// over conversations aliased c. Filters on the contact are IN subqueries
// over small indexed sets, so the sort's index still drives the walk.
func (f ListFilter) where(p access.Principal) (string, []any, error) {
	conds := []string{"c.workspace_id = ?"}
	args := []any{p.WorkspaceID}
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	scope, scopeArgs := p.ConversationScope("c")
	add(scope, scopeArgs...)
	if f.Status != "" {
		add("c.status = ?", f.Status)
	}
	assignee, none, err := f.assignee(p)
	if err != nil {
		return "", nil, err
	}
	if none {
		add("c.assignee_id IS NULL")
	} else if assignee != 0 {
		add("c.assignee_id = ?", assignee)
	}
	if f.TeamID != 0 {
		add("c.team_id = ?", f.TeamID)
	}
	if f.ChannelID != 0 {
		add("c.channel_id = ?", f.ChannelID)
	}
	if f.ContactID != 0 {
		add("c.contact_id = ?", f.ContactID)
	}
	// Test conversations (the Workflow Builder's test chat) are left out
	// unless asked for, or unless the list is one contact's: by their
	// contacts (a handful, index contacts_test), so a count that walks the
	// index by contact (migration 013) need not read the rows.
	const testContacts = `(SELECT k.id FROM contacts k WHERE k.workspace_id = ? AND k.is_test = 1)`
	switch {
	case f.Test == TestOnly:
		add("c.contact_id IN "+testContacts, p.WorkspaceID)
	case f.Test == "" && f.ContactID == 0 && !f.fromCounts:
		add("c.contact_id NOT IN "+testContacts, p.WorkspaceID)
	}
	if f.OpenedSource != "" {
		add("c.opened_source = ?", f.OpenedSource)
	}
	if f.Tag != "" {
		add(`c.contact_id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
			WHERE t.workspace_id = ? AND t.name = ?)`, p.WorkspaceID, f.Tag)
	}
	if f.Field != "" {
		key, value, _ := strings.Cut(f.Field, "=")
		add(`c.contact_id IN (SELECT v.contact_id FROM contact_field_values v JOIN custom_fields cf ON cf.id = v.field_id
			WHERE cf.workspace_id = ? AND cf.key = ? AND substr(v.value, 1, 100) = substr(?, 1, 100) AND v.value = ?)`,
			p.WorkspaceID, key, value, value) // the prefix is what the index holds (migration 052)
	}
	if f.Stage != "" {
		add(`c.contact_id IN (SELECT k.id FROM contacts k JOIN lifecycle_stages ls ON ls.id = k.lifecycle_stage_id
			WHERE k.workspace_id = ? AND ls.name = ?)`, p.WorkspaceID, f.Stage)
	}
	// The bounds are on the conversation's row, so the status and sort
	// indexes still drive the walk (the condition filters what they find).
	if f.LastIncomingWithin != 0 {
		add("c.last_incoming_at >= ?", f.now-f.LastIncomingWithin*1000)
	}
	if f.LastIncomingOlderThan != 0 {
		cutoff := f.now - f.LastIncomingOlderThan*1000
		add("c.last_incoming_at < ? AND c.opened_at < ?", cutoff, cutoff)
	}
	if f.Q != "" {
		// The same match as the contacts list's search.
		match, matchArgs := contact.SearchMatch("k", f.Q)
		add(`c.contact_id IN (SELECT k.id FROM contacts k WHERE k.workspace_id = ? AND `+match+`)`, append([]any{p.WorkspaceID}, matchArgs...)...)
	}
	return strings.Join(conds, " AND "), args, nil
}
