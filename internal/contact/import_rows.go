package contact

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// The reading side of an import: a CSV header mapped to fields, and each
// line checked and turned into a row to write.

func normHeader(h string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
}

func (s *Service) newImporter(ctx context.Context, ws int64, header []string, mapping map[string]string) (*importer, error) {
	q := s.db.Reader()
	defs, err := listFields(ctx, q, ws)
	if err != nil {
		return nil, err
	}
	im := &importer{ws: ws, fields: map[string]Field{}}
	for _, f := range defs {
		im.fields[f.Key] = f
	}
	if im.stages, err = readStages(ctx, q, ws); err != nil {
		return nil, err
	}
	target := func(t string) (string, Field, bool) {
		t = strings.TrimSpace(t)
		if slices.Contains(ImportTargets, t) {
			return t, Field{}, true
		}
		if f, ok := im.fields[strings.TrimPrefix(t, "fields.")]; ok {
			return "fields." + f.Key, f, true
		}
		return "", Field{}, false
	}
	used := map[string]string{}
	if mapping == nil {
		for i, h := range header {
			if t, f, ok := target(normHeader(h)); ok && used[t] == "" {
				used[t] = h
				im.cols = append(im.cols, importCol{index: i, header: h, target: t, field: f})
			}
		}
	} else {
		keys := make([]string, 0, len(mapping))
		for k := range mapping {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, h := range keys {
			if strings.TrimSpace(mapping[h]) == "" || mapping[h] == "ignore" {
				continue
			}
			i := slices.Index(header, h)
			if i < 0 {
				return nil, apperr.Invalid("mapping."+limit.Clip(h, 50), "the file has no column with this header")
			}
			t, f, ok := target(mapping[h])
			if !ok {
				return nil, apperr.Invalid("mapping."+limit.Clip(h, 50), "%q is neither a standard field (%s) nor a custom field",
					limit.Clip(mapping[h], 50), strings.Join(ImportTargets, ", "))
			}
			if prev := used[t]; prev != "" && t != "tags" {
				return nil, apperr.Invalid("mapping."+limit.Clip(h, 50), "column %q already maps to %s", limit.Clip(prev, 50), t)
			}
			used[t] = h
			im.cols = append(im.cols, importCol{index: i, header: h, target: t, field: f})
		}
		slices.SortFunc(im.cols, func(a, b importCol) int { return a.index - b.index })
	}
	if used["id"] == "" && used["first_name"] == "" && used["phone"] == "" && used["email"] == "" {
		return nil, apperr.Invalid("mapping", "map a column to id, first_name, phone or email")
	}
	im.idCol = used["id"]
	return im, nil
}

// parse validates one record.
func (im *importer) parse(line int, rec []string) (importRow, *ImportRowError) {
	row := importRow{line: line, std: map[string]string{}, fields: map[int64]string{}}
	bad := func(c importCol, reason string) *ImportRowError {
		return &ImportRowError{Line: line, Field: c.target, Column: c.header, Reason: reason}
	}
	for _, c := range im.cols {
		if c.index >= len(rec) {
			continue
		}
		v := strings.TrimSpace(limit.Clean(rec[c.index]))
		if v == "" {
			continue
		}
		if limit.Len(v) > maxImportCell {
			return row, bad(c, fmt.Sprintf("is %d characters long; at most %d are read", limit.Len(v), maxImportCell))
		}
		switch c.target {
		case "id":
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return row, bad(c, "is not a positive integer")
			}
			row.id = id
		case "phone":
			p, err := NormalizePhone(v)
			if err != nil {
				return row, bad(c, "invalid phone: "+apperr.MessageOf(err))
			}
			row.std["phone"] = p
		case "email":
			e, err := NormalizeEmail(v)
			if err != nil {
				return row, bad(c, "invalid email: "+apperr.MessageOf(err))
			}
			row.std["email"] = e
		case "first_name", "last_name":
			if err := limit.Text(c.target, v, MaxNameLen); err != nil {
				return row, bad(c, apperr.MessageOf(err))
			}
			row.std[c.target] = v
		case "language", "country":
			max := MaxLanguageLen
			if c.target == "country" {
				max = MaxCountryLen
			}
			if err := limit.Text(c.target, v, max); err != nil {
				return row, bad(c, apperr.MessageOf(err))
			}
			row.std[c.target] = v
		case "lifecycle_stage":
			id, ok := im.stages.find(v)
			if !ok {
				return row, bad(c, fmt.Sprintf("unknown lifecycle stage %q", limit.Clip(v, 50)))
			}
			row.stage = id
		case "tags":
			for _, t := range splitTags(v) {
				t = strings.TrimSpace(t)
				if t == "" {
					continue
				}
				if err := limit.Text("tag", t, MaxTagLen); err != nil {
					return row, bad(c, apperr.MessageOf(err))
				}
				if !slices.Contains(row.tags, t) {
					row.tags = append(row.tags, t)
				}
			}
			if len(row.tags) > MaxTagsPerWrite {
				return row, bad(c, fmt.Sprintf("holds %d tags; at most %d", len(row.tags), MaxTagsPerWrite))
			}
		default:
			sv, err := ValidateValue(c.field, v)
			if err != nil {
				r := apperr.MessageOf(err)
				switch c.field.Type {
				case "number":
					r = "bad number: " + r
				case "list":
					r = "unknown option: " + r
				}
				return row, bad(c, r)
			}
			row.fields[c.field.ID] = sv
		}
	}
	// A row with an id names an existing contact: it needs nothing else.
	if row.id == 0 && row.std["first_name"] == "" && row.std["phone"] == "" && row.std["email"] == "" {
		return row, &ImportRowError{Line: line, Reason: "the row has no first name, phone or email"}
	}
	return row, nil
}

// splitTags reads a tags cell: ";"-separated, as the export writes it, or
// ","-separated (another tool's file) when the cell holds no ";". A tag's
// name may hold a comma: the export ends the cell with ";" then (see
// tagsCell), so it reads back whole.
func splitTags(v string) []string {
	if strings.Contains(v, ";") {
		return strings.Split(v, ";")
	}
	return strings.Split(v, ",")
}
