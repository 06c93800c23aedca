package contact

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// FieldUpdate changes a custom field's name or, for a list field, its
// options; nil fields are unchanged. The key and the type never change:
// workflows and integrations refer to the key, and contacts' values
// were checked against the type.
type FieldUpdate struct {
	Name    *string   `json:"name"`
	Options *[]string `json:"options"`
}

// GetField returns a custom field of the workspace.
func (s *Service) GetField(ctx context.Context, workspaceID, id int64) (Field, error) {
	list, err := queryFields(ctx, s.db.Reader(), `WHERE workspace_id = ? AND id = ?`, workspaceID, id)
	if err != nil {
		return Field{}, err
	}
	if len(list) == 0 {
		return Field{}, apperr.NotFound("field")
	}
	return list[0], nil
}

// checkOptions checks a list field's options, trimming each in place: a
// value is trimmed before it is matched with them (ValidateValue), so an
// option kept with its spaces could never be chosen.
func checkOptions(options []string) error {
	if len(options) == 0 {
		return apperr.Invalid("options", "a list field needs at least one option")
	}
	if len(options) > MaxOptions {
		return apperr.Invalid("options", "holds %d options; at most %d are allowed", len(options), MaxOptions)
	}
	for i, o := range options {
		o = strings.TrimSpace(o)
		options[i] = o
		if o == "" {
			return apperr.Invalid(fmt.Sprintf("options[%d]", i), "is empty")
		}
		if err := limit.Text(fmt.Sprintf("options[%d]", i), o, MaxOptionLen); err != nil {
			return err
		}
		if j := slices.IndexFunc(options[:i], func(p string) bool { return strings.EqualFold(p, o) }); j >= 0 {
			return apperr.Invalid(fmt.Sprintf("options[%d]", i), "%q is options[%d] again (options are matched without case)", limit.Clip(o, 50), j)
		}
	}
	return nil
}

// UpdateField renames a custom field or replaces a list field's options.
// Contacts keep the values they hold, even one no longer among the
// options.
func (s *Service) UpdateField(ctx context.Context, workspaceID, id int64, in FieldUpdate) (Field, error) {
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			return Field{}, apperr.Invalid("name", "is required")
		}
		if err := limit.Text("name", name, MaxFieldNameLen); err != nil {
			return Field{}, err
		}
		in.Name = &name
	}
	var f Field
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		list, err := queryFields(ctx, tx, `WHERE workspace_id = ? AND id = ?`, workspaceID, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return apperr.NotFound("field")
		}
		f = list[0]
		var opts *string
		if in.Options != nil {
			if f.Type != "list" {
				return apperr.Invalid("options", "only a list field has options; this is a %s field", f.Type)
			}
			if err := checkOptions(*in.Options); err != nil {
				return err
			}
			b, _ := json.Marshal(*in.Options)
			o := string(b)
			opts = &o
			f.Options = *in.Options
		}
		if in.Name != nil {
			f.Name = *in.Name
		}
		_, err = tx.Exec(ctx, `UPDATE custom_fields SET name = COALESCE(?, name), options = COALESCE(?, options) WHERE workspace_id = ? AND id = ?`,
			in.Name, opts, workspaceID, id)
		return err
	})
	if apperr.KindOf(err) != "" {
		return Field{}, err
	}
	if err != nil {
		return Field{}, fmt.Errorf("contact: update field: %w", err)
	}
	return f, nil
}
