// Package contact holds the people who write in: standard and custom
// fields, tags, lifecycle stages and the channel identities through which
// messages reach them.
package contact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Contact is a person the workspace talks to.
type Contact struct {
	ID             int64          `json:"id"`
	WorkspaceID    int64          `json:"workspace_id"`
	FirstName      string         `json:"first_name"`
	LastName       string         `json:"last_name"`
	Phone          string         `json:"phone"`
	Email          string         `json:"email"`
	Language       string         `json:"language"`
	Country        string         `json:"country"`
	AvatarURL      string         `json:"avatar_url"`
	LifecycleStage string         `json:"lifecycle_stage"`
	Tags           []string       `json:"tags"`
	Fields         map[string]any `json:"fields"`
	LastAssigneeID int64          `json:"last_assignee_id,omitempty"`
	LastIncomingAt time.Time      `json:"last_incoming_at,omitzero"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	// Test: the Workflow Builder's test contact (migration 023), listed
	// only with test=include or test=only.
	Test bool `json:"test,omitempty"`
	// BlockedAt is when the contact was blocked (zero: not blocked), by
	// BlockedBy (a user; 0 for a workspace token): their messages open no
	// conversation (Block).
	BlockedAt time.Time `json:"blocked_at,omitzero"`
	BlockedBy int64     `json:"blocked_by,omitempty"`
}

// Service reads and writes contacts.
type Service struct {
	db         *db.DB
	closeConv  CloseConversationFunc
	stageUsers NameUsers // see SetStageUsers
	tagUsers   NameUsers // see SetTagUsers
}

// New returns a Service on d.
func New(d *db.DB) *Service { return &Service{db: d} }

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// NormalizePhone strips the punctuation people type in phone numbers and
// checks the result is E.164. An empty input stays empty.
func NormalizePhone(s string) (string, error) {
	if err := limit.Text("phone", s, MaxPhoneLen); err != nil {
		return "", err
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '.':
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", nil
	}
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if !e164.MatchString(s) {
		return "", apperr.Invalid("phone", "%q is not an E.164 phone number (like +14155550123)", s)
	}
	return s, nil
}

// IsPhone reports whether s is already an E.164 phone number.
func IsPhone(s string) bool { return e164.MatchString(s) }

// NormalizeEmail lower-cases an email address and checks its syntax.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if err := limit.Text("email", s, MaxEmailLen); err != nil {
		return "", err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", apperr.Invalid("email", "%q is not a valid email address", s)
	}
	return s, nil
}

const contactColumns = `c.id, c.workspace_id, c.first_name, c.last_name, COALESCE(c.phone, ''), COALESCE(c.email, ''),
	c.language, c.country, c.avatar_url, COALESCE(l.name, ''), COALESCE(c.last_assignee_id, 0), c.last_incoming_at, c.created_at, c.updated_at,
	c.is_test, COALESCE(c.blocked_at, 0), c.blocked_by`

const contactFrom = ` FROM contacts c LEFT JOIN lifecycle_stages l ON l.id = c.lifecycle_stage_id`

func scanContact(row interface{ Scan(...any) error }) (Contact, error) {
	var c Contact
	var last, created, updated, test, blocked int64
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.FirstName, &c.LastName, &c.Phone, &c.Email, &c.Language, &c.Country,
		&c.AvatarURL, &c.LifecycleStage, &c.LastAssigneeID, &last, &created, &updated, &test, &blocked, &c.BlockedBy)
	c.Test = test != 0
	c.LastIncomingAt, c.CreatedAt, c.UpdatedAt, c.BlockedAt = db.Time(last), db.Time(created), db.Time(updated), db.Time(blocked)
	c.Tags = []string{}
	c.Fields = map[string]any{}
	return c, err
}

// Get returns a contact the principal may see, with its tags and custom
// fields.
func (s *Service) Get(ctx context.Context, p Principal, id int64) (Contact, error) {
	scope, args := p.ContactScope("c")
	return getWhere(ctx, s.db.Reader(), p.WorkspaceID, id, scope, args)
}

// GetTx returns a contact as q sees it (inside a transaction, with that
// transaction's writes).
func GetTx(ctx context.Context, q db.Querier, workspaceID, id int64) (Contact, error) {
	return get(ctx, q, workspaceID, id)
}

func get(ctx context.Context, q db.Querier, workspaceID, id int64) (Contact, error) {
	return getWhere(ctx, q, workspaceID, id, "1=1", nil)
}

// GetRowTx returns a contact's row as q sees it: its standard fields and
// lifecycle stage, without its tags and custom fields (Tags and Fields
// are empty). One statement where GetTx takes three, for the callers that
// need only the row (a workflow's {{contact.first_name}}).
func GetRowTx(ctx context.Context, q db.Querier, workspaceID, id int64) (Contact, error) {
	return getRow(ctx, q, workspaceID, id)
}

// WithDetailsTx returns c, a contact read by GetRowTx, with its tags and
// custom fields as q sees them.
func WithDetailsTx(ctx context.Context, q db.Querier, c Contact) (Contact, error) {
	c.Tags, c.Fields = []string{}, map[string]any{}
	cs := []Contact{c}
	if err := fillDetails(ctx, q, cs); err != nil {
		return Contact{}, err
	}
	return cs[0], nil
}

func getRow(ctx context.Context, q db.Querier, workspaceID, id int64) (Contact, error) {
	c, err := scanContact(q.QueryRow(ctx, `SELECT `+contactColumns+contactFrom+` WHERE c.workspace_id = ? AND c.id = ?`, workspaceID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, apperr.NotFound("contact")
	}
	if err != nil {
		return Contact{}, fmt.Errorf("contact: get: %w", err)
	}
	return c, nil
}

// getWhere reads a contact that also meets cond (over contacts aliased c).
func getWhere(ctx context.Context, q db.Querier, workspaceID, id int64, cond string, condArgs []any) (Contact, error) {
	c, err := scanContact(q.QueryRow(ctx, `SELECT `+contactColumns+contactFrom+` WHERE c.workspace_id = ? AND c.id = ? AND `+cond,
		append([]any{workspaceID, id}, condArgs...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, apperr.NotFound("contact")
	}
	if err != nil {
		return Contact{}, fmt.Errorf("contact: get: %w", err)
	}
	cs := []Contact{c}
	if err := fillDetails(ctx, q, cs); err != nil {
		return Contact{}, err
	}
	return cs[0], nil
}

// likeEscaper makes a search string match literally inside LIKE '%…%'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchMatch is the condition a search q puts on the contacts aliased
// alias (the contacts list's search, the inbox's q): part of the name, in
// any case, accented capitals included (search_fold), of the email, or of
// the phone. A phone is matched as people write it: spaces, dashes, dots
// and brackets left out, and a national number's trunk 0 too ("06 12 34
// 56" finds +33612345678), since phones are stored in E.164.
func SearchMatch(alias, q string) (string, []any) {
	like := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
	phone := like
	compact := phoneSeparators.Replace(strings.TrimSpace(q))
	if phoneQuery.MatchString(compact) {
		if len(compact) >= 6 {
			// A national number typed from its start: its trunk 0 is not
			// in the E.164 form (a shorter run may be a number's end).
			compact = strings.TrimPrefix(compact, "0")
		}
		phone = "%" + compact + "%"
	}
	return `(search_fold(` + alias + `.first_name || ' ' || ` + alias + `.last_name) LIKE ? ESCAPE '\'
		OR COALESCE(` + alias + `.phone, '') LIKE ? ESCAPE '\' OR search_fold(COALESCE(` + alias + `.email, '')) LIKE ? ESCAPE '\')`,
		[]any{like, phone, like}
}

// phoneSeparators are what people put between a phone's digits.
var phoneSeparators = strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "", "\u00a0", "")

// phoneQuery is a search that is part of a phone number once its
// separators are gone: an optional + and at least three digits.
var phoneQuery = regexp.MustCompile(`^\+?[0-9]{3,}$`)

// List returns a page of contacts in id order, filtered (see ListFilter).
//
// A restricted principal lists only the contacts it may see (see
// access.Principal.ContactScope).
func (s *Service) List(ctx context.Context, p Principal, f ListFilter, req page.Request) (page.Page[Contact], error) {
	where, args, err := f.where(p)
	if err != nil {
		return page.Page[Contact]{}, err
	}
	after, afterArgs := req.ByID("c.id", false)
	conds := []string{where, after}
	args = append(args, afterArgs...)
	q := `SELECT ` + contactColumns + contactFrom + ` WHERE ` + strings.Join(conds, " AND ") + ` ORDER BY c.id LIMIT ?`
	args = append(args, req.Fetch())
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return page.Page[Contact]{}, fmt.Errorf("contact: list: %w", err)
	}
	defer rows.Close()
	out := []Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return page.Page[Contact]{}, fmt.Errorf("contact: list: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return page.Page[Contact]{}, err
	}
	pg := page.Cut(out, req.Limit, func(c Contact) page.Cursor { return page.Cursor{Order: page.OrderID, ID: c.ID} })
	return pg, fillDetails(ctx, s.db.Reader(), pg.Data)
}

// Count is how many contacts the principal may see the filter keeps: what
// a bulk action on every one of them would reach.
func (s *Service) Count(ctx context.Context, p Principal, f ListFilter) (int, error) {
	where, args, err := f.where(p)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM contacts c WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("contact: count: %w", err)
	}
	return n, nil
}

// IDsAfterTx returns, in id order, the ids after after of up to n contacts
// the principal may see the filter keeps: a broadcast's next recipients,
// read in the transaction that writes their messages.
func IDsAfterTx(ctx context.Context, tx *db.Tx, p Principal, f ListFilter, after int64, n int) ([]int64, error) {
	where, args, err := f.where(p)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT c.id FROM contacts c WHERE `+where+` AND c.id > ? ORDER BY c.id LIMIT ?`, append(args, after, n)...)
	if err != nil {
		return nil, fmt.Errorf("contact: ids: %w", err)
	}
	return db.Collect(rows, func(rows *sql.Rows) (int64, error) {
		var id int64
		err := rows.Scan(&id)
		return id, err
	})
}

// fillDetails loads the tags and custom field values of the contacts.
func fillDetails(ctx context.Context, q db.Querier, cs []Contact) error {
	if len(cs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		idx[c.ID] = i
		ids[i] = c.ID
	}
	in, args := db.In(ids)
	rows, err := q.Query(ctx, `SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.contact_id IN `+in+` ORDER BY t.name`, args...)
	if err != nil {
		return fmt.Errorf("contact: tags: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		cs[idx[id]].Tags = append(cs[idx[id]].Tags, name)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT v.contact_id, f.key, f.type, v.value FROM contact_field_values v JOIN custom_fields f ON f.id = v.field_id
		WHERE v.contact_id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("contact: fields: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key, typ, value string
		if err := rows.Scan(&id, &key, &typ, &value); err != nil {
			return err
		}
		cs[idx[id]].Fields[key] = decodeValue(typ, value)
	}
	return rows.Err()
}
