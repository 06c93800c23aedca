package contact

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Import limits.
const (
	ImportBatch      = 1000  // rows written per write transaction
	MaxImportErrors  = 1000  // rejected rows reported in full; more are only counted
	MaxImportColumns = 200   // columns of a CSV file
	maxImportCell    = 10000 // characters of one cell
)

// ImportTargets are the standard fields a CSV column can map to; a custom
// field is "fields.<key>" (or its bare key). "" ignores the column.
var ImportTargets = []string{"first_name", "last_name", "phone", "email", "language", "country", "lifecycle_stage", "tags"}

// ImportOptions say how to read a CSV file.
type ImportOptions struct {
	// Mapping maps a CSV header to a target (see ImportTargets). Nil maps
	// each header that names a target or a custom field key (ignoring case,
	// spaces as _) to it.
	Mapping map[string]string
	DryRun  bool
	// Progress, if set, is called after each batch of rows.
	Progress func(ImportProgress)
}

// ImportProgress is how far an import is.
type ImportProgress struct {
	Rows int `json:"rows"` // data rows read so far
}

// ImportRowError is one rejected row.
type ImportRowError struct {
	Line   int    `json:"line"`  // 1-based line of the file where the row starts (the header is line 1)
	Field  string `json:"field"` // the target that was refused ("" for the row as a whole)
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// ImportReport is what an import did, or would do (dry run).
type ImportReport struct {
	DryRun    bool              `json:"dry_run"`
	Rows      int               `json:"rows"`     // data rows read
	Created   int               `json:"created"`  // new contacts
	Updated   int               `json:"updated"`  // existing contacts (same phone, else email) updated
	Rejected  int               `json:"rejected"` // rows refused, each reported in errors up to MaxImportErrors
	Errors    []ImportRowError  `json:"errors"`
	Truncated bool              `json:"errors_truncated,omitempty"`
	Mapping   map[string]string `json:"mapping"` // the mapping used
}

// importRow is one validated row.
type importRow struct {
	line   int
	std    map[string]string // target → value, non-empty values only
	stage  int64
	tags   []string
	fields map[int64]string
}

// importer holds what a whole import needs.
type importer struct {
	ws       int64
	fields   map[string]Field // by key
	stages   map[string]int64 // by lower-case name
	defStage int64
	cols     []importCol
}

type importCol struct {
	index  int
	header string
	target string // standard name, "tags", or "fields.<key>"
	field  Field
}

// Import reads contacts from a CSV file (a header line, then one contact
// per line) and creates them, or updates the contact with the same phone
// (else email). Every row is validated; a bad row is rejected with its line
// and reason and the others are imported. Rows are parsed as they are read
// and written ImportBatch at a time, each batch in one write transaction.
// An empty cell changes nothing on an existing contact. With DryRun
// nothing is written. An import records no contact.created or
// contact.updated event per row (a workflow per imported row is not what
// an import means).
//
// Only owners, managers and workspace tokens may import (forbidden
// otherwise).
func (s *Service) Import(ctx context.Context, p Principal, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Errors: []ImportRowError{}}
	if err := MayImport(p); err != nil {
		return rep, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return rep, apperr.Invalid("file", "is empty: a header line is needed")
	}
	if err != nil {
		return rep, apperr.Invalid("file", "is not CSV: %v", err)
	}
	header = slices.Clone(header)
	if len(header) > MaxImportColumns {
		return rep, apperr.Invalid("file", "has %d columns; at most %d are read", len(header), MaxImportColumns)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	im, err := s.newImporter(ctx, p.WorkspaceID, header, opt.Mapping)
	if err != nil {
		return rep, err
	}
	rep.Mapping = map[string]string{}
	for _, c := range im.cols {
		rep.Mapping[c.header] = c.target
	}
	reject := func(e ImportRowError) {
		rep.Rejected++
		if len(rep.Errors) < MaxImportErrors {
			rep.Errors = append(rep.Errors, e)
		} else {
			rep.Truncated = true
		}
	}
	seen := map[string]bool{} // dry run: phones and emails met earlier in the file
	batch := make([]importRow, 0, ImportBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var created, updated int
		var bad []ImportRowError
		var err error
		if opt.DryRun {
			created, updated, bad, err = s.dryRunBatch(ctx, im, batch, seen)
		} else {
			err = s.db.Write(ctx, func(tx *db.Tx) error {
				var err error
				created, updated, bad, err = im.writeBatch(ctx, tx, batch)
				return err
			})
		}
		if err != nil {
			return err
		}
		rep.Created += created
		rep.Updated += updated
		for _, b := range bad {
			reject(b)
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(ImportProgress{Rows: rep.Rows})
		}
		return nil
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Rows++
				reject(ImportRowError{Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()})
				continue
			}
			return rep, fmt.Errorf("contact: import: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		rep.Rows++
		row, rerr := im.parse(line, rec)
		if rerr != nil {
			reject(*rerr)
			continue
		}
		batch = append(batch, row)
		if len(batch) == ImportBatch {
			if err := flush(); err != nil {
				return rep, err
			}
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	return rep, nil
}

func normHeader(h string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
}

func (s *Service) newImporter(ctx context.Context, ws int64, header []string, mapping map[string]string) (*importer, error) {
	q := s.db.Reader()
	defs, err := listFields(ctx, q, ws)
	if err != nil {
		return nil, err
	}
	im := &importer{ws: ws, fields: map[string]Field{}, stages: map[string]int64{}}
	for _, f := range defs {
		im.fields[f.Key] = f
	}
	rows, err := q.Query(ctx, `SELECT id, name, is_default FROM lifecycle_stages WHERE workspace_id = ?`, ws)
	if err != nil {
		return nil, fmt.Errorf("contact: import: stages: %w", err)
	}
	for rows.Next() {
		var id int64
		var name string
		var def bool
		if err := rows.Scan(&id, &name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		im.stages[strings.ToLower(name)] = id
		if def {
			im.defStage = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
	if used["first_name"] == "" && used["phone"] == "" && used["email"] == "" {
		return nil, apperr.Invalid("mapping", "map a column to first_name, phone or email")
	}
	return im, nil
}

// parse validates one record.
func (im *importer) parse(line int, rec []string) (importRow, *ImportRowError) {
	row := importRow{line: line, std: map[string]string{}, fields: map[int64]string{}}
	bad := func(c importCol, reason string) *ImportRowError {
		return &ImportRowError{Line: line, Field: c.target, Column: c.header, Reason: reason}
	}
	reason := func(err error) string {
		var e *apperr.Error
		if errors.As(err, &e) {
			return e.Message
		}
		return err.Error()
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
		case "phone":
			p, err := NormalizePhone(v)
			if err != nil {
				return row, bad(c, "invalid phone: "+reason(err))
			}
			row.std["phone"] = p
		case "email":
			e, err := NormalizeEmail(v)
			if err != nil {
				return row, bad(c, "invalid email: "+reason(err))
			}
			row.std["email"] = e
		case "first_name", "last_name":
			if err := limit.Text(c.target, v, MaxNameLen); err != nil {
				return row, bad(c, reason(err))
			}
			row.std[c.target] = v
		case "language", "country":
			max := MaxLanguageLen
			if c.target == "country" {
				max = MaxCountryLen
			}
			if err := limit.Text(c.target, v, max); err != nil {
				return row, bad(c, reason(err))
			}
			row.std[c.target] = v
		case "lifecycle_stage":
			id, ok := im.stages[strings.ToLower(v)]
			if !ok {
				return row, bad(c, fmt.Sprintf("unknown lifecycle stage %q", limit.Clip(v, 50)))
			}
			row.stage = id
		case "tags":
			for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
				t = strings.TrimSpace(t)
				if t == "" {
					continue
				}
				if err := limit.Text("tag", t, MaxTagLen); err != nil {
					return row, bad(c, reason(err))
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
				r := reason(err)
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
	if row.std["first_name"] == "" && row.std["phone"] == "" && row.std["email"] == "" {
		return row, &ImportRowError{Line: line, Reason: "the row has no first name, phone or email"}
	}
	return row, nil
}

// lookup finds, among the contacts of the workspace, those with the
// batch's phones and emails.
func lookup(ctx context.Context, q db.Querier, ws int64, batch []importRow) (map[string]int64, map[string]int64, error) {
	phones, emails := map[string]int64{}, map[string]int64{}
	for _, col := range []struct {
		name string
		m    map[string]int64
	}{{"phone", phones}, {"email", emails}} {
		var vals []string
		for _, r := range batch {
			if v := r.std[col.name]; v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		in, args := db.In(vals)
		rows, err := q.Query(ctx, `SELECT id, `+col.name+` FROM contacts WHERE workspace_id = ? AND `+col.name+` IN `+in,
			append([]any{ws}, args...)...)
		if err != nil {
			return nil, nil, fmt.Errorf("contact: import: lookup: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, nil, err
			}
			col.m[v] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return phones, emails, nil
}

// match returns the contact a row updates (0: a new one), or the reason
// the row cannot be applied.
func match(r importRow, phones, emails map[string]int64) (int64, string) {
	byPhone, byEmail := phones[r.std["phone"]], emails[r.std["email"]]
	if r.std["phone"] == "" {
		byPhone = 0
	}
	if r.std["email"] == "" {
		byEmail = 0
	}
	if byPhone != 0 && byEmail != 0 && byPhone != byEmail {
		return 0, fmt.Sprintf("the phone belongs to contact %d and the email to contact %d", byPhone, byEmail)
	}
	if byPhone != 0 {
		return byPhone, ""
	}
	return byEmail, ""
}

func (s *Service) dryRunBatch(ctx context.Context, im *importer, batch []importRow, seen map[string]bool) (created, updated int, bad []ImportRowError, err error) {
	phones, emails, err := lookup(ctx, s.db.Reader(), im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, r := range batch {
		id, why := match(r, phones, emails)
		if why != "" {
			bad = append(bad, ImportRowError{Line: r.line, Reason: why})
			continue
		}
		p, e := "p:"+r.std["phone"], "e:"+r.std["email"]
		if id != 0 || (r.std["phone"] != "" && seen[p]) || (r.std["email"] != "" && seen[e]) {
			updated++
		} else {
			created++
		}
		if r.std["phone"] != "" {
			seen[p] = true
		}
		if r.std["email"] != "" {
			seen[e] = true
		}
	}
	return created, updated, bad, nil
}

// writeBatch creates or updates the batch's contacts inside tx.
func (im *importer) writeBatch(ctx context.Context, tx *db.Tx, batch []importRow) (created, updated int, bad []ImportRowError, err error) {
	phones, emails, err := lookup(ctx, tx, im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	now := tx.Now()
	type fieldVal struct {
		contact, field int64
		value          string
	}
	var vals []fieldVal
	tagNames := map[string]bool{}
	type tagRow struct {
		contact int64
		tag     string
	}
	var tags []tagRow
	stage := func(r importRow) any {
		if r.stage != 0 {
			return r.stage
		}
		return nullID(im.defStage)
	}
	for _, r := range batch {
		id, why := match(r, phones, emails)
		if why != "" {
			bad = append(bad, ImportRowError{Line: r.line, Reason: why})
			continue
		}
		if id == 0 {
			first := r.std["first_name"]
			if first == "" {
				first = r.std["phone"]
			}
			if first == "" {
				first = r.std["email"]
			}
			err = tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, last_name, phone, email, language, country, avatar_url,
				lifecycle_stage_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?) RETURNING id`,
				im.ws, first, r.std["last_name"], nullStr(r.std["phone"]), nullStr(r.std["email"]), r.std["language"], r.std["country"],
				stage(r), now, now).Scan(&id)
			if err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: line %d: %w", r.line, err)
			}
			created++
		} else {
			sets, args := []string{}, []any{}
			for _, k := range []string{"first_name", "last_name", "phone", "email", "language", "country"} {
				if v, ok := r.std[k]; ok {
					sets = append(sets, k+" = ?")
					args = append(args, v)
				}
			}
			if r.stage != 0 {
				sets = append(sets, "lifecycle_stage_id = ?")
				args = append(args, r.stage)
			}
			sets = append(sets, "updated_at = ?")
			args = append(args, now, id)
			if _, err := tx.Exec(ctx, `UPDATE contacts SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...); err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: line %d: %w", r.line, err)
			}
			updated++
		}
		if p := r.std["phone"]; p != "" {
			phones[p] = id
		}
		if e := r.std["email"]; e != "" {
			emails[e] = id
		}
		for f, v := range r.fields {
			vals = append(vals, fieldVal{id, f, v})
		}
		for _, t := range r.tags {
			tagNames[t] = true
			tags = append(tags, tagRow{id, t})
		}
	}
	// Custom field values and tags, many rows per statement; a contact met
	// twice in the batch keeps its last value (PostgreSQL refuses to update
	// one row twice in a statement).
	last := map[[2]int64]int{}
	for i, v := range vals {
		last[[2]int64{v.contact, v.field}] = i
	}
	dedup := vals[:0]
	for i, v := range vals {
		if last[[2]int64{v.contact, v.field}] == i {
			dedup = append(dedup, v)
		}
	}
	vals = dedup
	const chunk = 300
	for i := 0; i < len(vals); i += chunk {
		part := vals[i:min(i+chunk, len(vals))]
		args := make([]any, 0, 3*len(part))
		for _, v := range part {
			args = append(args, v.contact, v.field, v.value)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact_field_values (contact_id, field_id, value) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ")+
			` ON CONFLICT (contact_id, field_id) DO UPDATE SET value = excluded.value`, args...); err != nil {
			return 0, 0, nil, fmt.Errorf("contact: import: fields: %w", err)
		}
	}
	if len(tags) > 0 {
		ids := map[string]int64{}
		for name := range tagNames {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM tags WHERE workspace_id = ? AND name = ?`, im.ws, name).Scan(&id)
			if err != nil {
				err = tx.QueryRow(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`, im.ws, name, now).Scan(&id)
			}
			if err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: tag %q: %w", name, err)
			}
			ids[name] = id
		}
		for i := 0; i < len(tags); i += chunk {
			part := tags[i:min(i+chunk, len(tags))]
			args := make([]any, 0, 2*len(part))
			for _, t := range part {
				args = append(args, t.contact, ids[t.tag])
			}
			if _, err := tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")+` ON CONFLICT DO NOTHING`, args...); err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: tags: %w", err)
			}
		}
	}
	return created, updated, bad, nil
}

// MayImport refuses agents: only owners, managers and workspace tokens
// import contacts.
func MayImport(p Principal) error {
	if p.UserID != 0 && p.Role == access.RoleAgent {
		return apperr.Forbidden("only owners and managers may import contacts")
	}
	return nil
}
