package contact

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Field is a custom contact field defined by the workspace.
type Field struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Options   []string  `json:"options"` // allowed values of a list field
	CreatedAt time.Time `json:"created_at"`
}

// FieldTypes are the types a custom field may have.
var FieldTypes = []string{"text", "number", "list", "checkbox", "email", "url", "date", "time"}

var fieldKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)

// standardFields are the contact's own columns, and the standard columns
// of an export (ExportHeader); a custom field may not shadow them: its key
// is its export column, which an import reads back by header.
var standardFields = []string{"id", "first_name", "last_name", "phone", "email", "language", "country", "avatar_url", "lifecycle_stage", "tags", "created_at",
	"last_message_at"}

// CreateField defines a custom field.
func (s *Service) CreateField(ctx context.Context, workspaceID int64, in Field) (Field, error) {
	in.Key = strings.TrimSpace(in.Key)
	if !fieldKey.MatchString(in.Key) {
		return Field{}, apperr.Invalid("key", "must be lower-case letters, digits and _ starting with a letter, at most 50")
	}
	if slices.Contains(standardFields, in.Key) {
		return Field{}, apperr.Invalid("key", "%q is a standard contact field", in.Key)
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = in.Key
	}
	if err := limit.Text("name", in.Name, MaxFieldNameLen); err != nil {
		return Field{}, err
	}
	if !slices.Contains(FieldTypes, in.Type) {
		return Field{}, apperr.Invalid("type", "must be one of %s", strings.Join(FieldTypes, ", "))
	}
	if in.Type == "list" {
		// The checks of PATCH /custom-fields/{id}: trimmed, none empty,
		// distinct without case (see canonicalOption).
		in.Options = slices.Clone(in.Options)
		if err := checkOptions(in.Options); err != nil {
			return Field{}, err
		}
	} else {
		in.Options = nil
	}
	if in.Options == nil {
		in.Options = []string{}
	}
	opts, _ := json.Marshal(in.Options)
	in.CreatedAt = db.Time(s.db.Now())
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO custom_fields (workspace_id, key, name, type, options, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, in.Key, in.Name, in.Type, string(opts), db.Millis(in.CreatedAt)).Scan(&in.ID)
	})
	if db.IsUniqueViolation(err) {
		return Field{}, apperr.Conflict("a field with key %q already exists", in.Key)
	}
	if err != nil {
		return Field{}, fmt.Errorf("contact: create field: %w", err)
	}
	return in, nil
}

// ListFields returns a page of the workspace's custom fields by id.
func (s *Service) ListFields(ctx context.Context, workspaceID int64, req page.Request) (page.Page[Field], error) {
	after, args := req.ByID("id", false)
	list, err := queryFields(ctx, s.db.Reader(), `WHERE workspace_id = ? AND `+after+` ORDER BY id LIMIT ?`,
		append(append([]any{workspaceID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Field]{}, err
	}
	return page.Cut(list, req.Limit, func(f Field) page.Cursor { return page.Cursor{Order: page.OrderID, ID: f.ID} }), nil
}

// listFields returns every custom field of the workspace (at most a few
// dozen), for validating a contact's values.
func listFields(ctx context.Context, q db.Querier, workspaceID int64) ([]Field, error) {
	return queryFields(ctx, q, `WHERE workspace_id = ? ORDER BY id`, workspaceID)
}

func queryFields(ctx context.Context, q db.Querier, where string, args ...any) ([]Field, error) {
	rows, err := q.Query(ctx, `SELECT id, key, name, type, options, created_at FROM custom_fields `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("contact: list fields: %w", err)
	}
	defer rows.Close()
	out := []Field{}
	for rows.Next() {
		var f Field
		var opts string
		var created int64
		if err := rows.Scan(&f.ID, &f.Key, &f.Name, &f.Type, &opts, &created); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(opts), &f.Options)
		f.CreatedAt = db.Time(created)
		out = append(out, f)
	}
	return out, rows.Err()
}

// DeleteField removes a custom field and every contact's value of it.
func (s *Service) DeleteField(ctx context.Context, workspaceID, id int64) error {
	return s.db.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM contact_field_values WHERE field_id IN (SELECT id FROM custom_fields WHERE workspace_id = ? AND id = ?)`, workspaceID, id); err != nil {
			return err
		}
		if err := tx.DeleteOwned(ctx, "custom_fields", "field", workspaceID, id); err != nil {
			return err
		}
		return nil
	})
}

var (
	dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timeRe = regexp.MustCompile(`^\d{2}:\d{2}$`)
)

// ValidateValue checks v (as decoded from JSON) against the field's type and
// returns its canonical stored form. The error names the field.
func ValidateValue(f Field, v any) (string, error) {
	name := "fields." + f.Key
	str, isStr := v.(string)
	switch f.Type {
	case "number":
		var n float64
		switch x := v.(type) {
		case float64:
			n = x
		case json.Number:
			var err error
			if n, err = x.Float64(); err != nil {
				return "", apperr.Invalid(name, "%q is not a number", x)
			}
		case string:
			// As people write it: "1,000", "1.234,5" (a spreadsheet's
			// column, a workflow's answer carried in a variable).
			var ok bool
			if n, ok = ParseNumber(strings.TrimSpace(x)); !ok {
				return "", apperr.Invalid(name, "%q is not a number", limit.Clip(x, 50))
			}
		default:
			return "", apperr.Invalid(name, "must be a number")
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return "", apperr.Invalid(name, "must be a finite number")
		}
		return strconv.FormatFloat(n, 'f', -1, 64), nil
	case "checkbox":
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x), nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return strconv.FormatBool(b), nil
			}
		}
		return "", apperr.Invalid(name, "must be true or false")
	}
	if !isStr {
		return "", apperr.Invalid(name, "must be a string")
	}
	str = strings.TrimSpace(str)
	// Every string value is text first: no NUL, valid UTF-8, bounded.
	if err := limit.Text(name, str, MaxTextValueLen); err != nil {
		return "", err
	}
	quoted := strconv.Quote(limit.Clip(str, 50))
	switch f.Type {
	case "list":
		opt, ok := canonicalOption(f.Options, str)
		if !ok {
			return "", apperr.Invalid(name, "%s is not one of %s", quoted, strings.Join(f.Options, ", "))
		}
		str = opt
	case "email":
		e, err := NormalizeEmail(str)
		if err != nil || e == "" {
			return "", apperr.Invalid(name, "%s is not a valid email address", quoted)
		}
		str = e
	case "url":
		if err := limit.Text(name, str, MaxAvatarURLLen); err != nil {
			return "", err
		}
		u, err := url.Parse(str)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", apperr.Invalid(name, "%s is not an http(s) URL", quoted)
		}
	case "date":
		if _, err := time.Parse("2006-01-02", str); err != nil || !dateRe.MatchString(str) {
			return "", apperr.Invalid(name, "%s is not a date (YYYY-MM-DD)", quoted)
		}
	case "time":
		if _, err := time.Parse("15:04", str); err != nil || !timeRe.MatchString(str) {
			return "", apperr.Invalid(name, "%s is not a time (HH:MM)", quoted)
		}
	}
	return str, nil
}

// canonicalOption finds v among a list field's options without regard to
// case, and returns the option as the field defines it: a contact who
// answers "Sales" to a field whose option is "sales" stores "sales".
func canonicalOption(options []string, v string) (string, bool) {
	i := slices.IndexFunc(options, func(o string) bool { return strings.EqualFold(o, v) })
	if i < 0 {
		return "", false
	}
	return options[i], true
}

// decodeValue turns a stored value back into its JSON type.
func decodeValue(typ, stored string) any {
	switch typ {
	case "number":
		if n, err := strconv.ParseFloat(stored, 64); err == nil {
			return n
		}
	case "checkbox":
		return stored == "true"
	}
	return stored
}

// setFields validates and writes custom field values (nil deletes one) and
// returns the keys that changed. Unknown keys are an error naming the key.
func setFields(ctx context.Context, tx *db.Tx, workspaceID, contactID int64, values map[string]any) ([]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	defs, err := listFields(ctx, tx, workspaceID)
	if err != nil {
		return nil, err
	}
	byKey := map[string]Field{}
	for _, f := range defs {
		byKey[f.Key] = f
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic: the first bad key is always the same one
	var changed []string
	for _, k := range keys {
		f, ok := byKey[k]
		if !ok {
			return nil, apperr.Invalid("fields."+limit.Clip(k, 50), "no custom field has this key")
		}
		var old string
		hadOld := tx.QueryRow(ctx, `SELECT value FROM contact_field_values WHERE contact_id = ? AND field_id = ?`, contactID, f.ID).Scan(&old) == nil
		if values[k] == nil {
			if hadOld {
				if _, err := tx.Exec(ctx, `DELETE FROM contact_field_values WHERE contact_id = ? AND field_id = ?`, contactID, f.ID); err != nil {
					return nil, err
				}
				changed = append(changed, k)
			}
			continue
		}
		v, err := ValidateValue(f, values[k])
		if err != nil {
			return nil, err
		}
		if hadOld && old == v {
			continue
		}
		if hadOld {
			_, err = tx.Exec(ctx, `UPDATE contact_field_values SET value = ? WHERE contact_id = ? AND field_id = ?`, v, contactID, f.ID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO contact_field_values (contact_id, field_id, value) VALUES (?, ?, ?)`, contactID, f.ID, v)
		}
		if err != nil {
			return nil, err
		}
		changed = append(changed, k)
	}
	return changed, nil
}
