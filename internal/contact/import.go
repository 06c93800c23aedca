package contact

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/csvcell"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// Import limits.
const (
	ImportBatch      = 1000  // rows written per write transaction
	MaxImportErrors  = 1000  // rejected rows reported in full; more are only counted
	MaxImportColumns = 200   // columns of a CSV file
	maxImportCell    = 10000 // characters of one cell
)

// ImportTargets are the standard fields a CSV column can map to; a custom
// field is "fields.<key>" (or its bare key). "" ignores the column. "id"
// is the contact a row updates: an export's first column, so an export
// edited in a spreadsheet imports back onto its contacts.
var ImportTargets = []string{"id", "first_name", "last_name", "phone", "email", "language", "country", "lifecycle_stage", "tags"}

// Import modes (SPEC §2): which rows an import writes.
const (
	ImportAddAndUpdate = "add_and_update" // the default: a row creates a contact, or updates the one it matches
	ImportAddOnly      = "add_only"       // a row that matches a contact is rejected
	ImportUpdateOnly   = "update_only"    // a row that matches no contact is rejected
)

// ImportOptions say how to read a CSV file.
type ImportOptions struct {
	// Mode is ImportAddAndUpdate ("" too), ImportAddOnly or
	// ImportUpdateOnly.
	Mode string
	// KeepExisting is "do not overwrite": an update sets only what the
	// contact does not have yet (an empty standard field, a phone or
	// email it has none of, a custom field without a value, a stage when
	// it has none); tags are added either way.
	KeepExisting bool
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
	Updated   int               `json:"updated"`  // existing contacts (by id, else the same phone, else email) updated
	Rejected  int               `json:"rejected"` // rows refused, each reported in errors up to MaxImportErrors
	Errors    []ImportRowError  `json:"errors"`
	Truncated bool              `json:"errors_truncated,omitempty"`
	Mapping   map[string]string `json:"mapping"` // the mapping used
}

// importRow is one validated row.
type importRow struct {
	line   int
	id     int64             // the contact the row updates; 0: the one of its phone, else email, or a new one
	std    map[string]string // target → value, non-empty values only
	stage  int64
	tags   []string
	fields map[int64]string
}

// importer holds what a whole import needs.
type importer struct {
	ws int64
	// p is who imports: a row matching a contact p may not see is
	// rejected, as the upsert route answers such a contact 404.
	p      Principal
	mode   string           // ImportAddAndUpdate, ImportAddOnly or ImportUpdateOnly
	keep   bool             // ImportOptions.KeepExisting
	fields map[string]Field // by key
	stages stages           // as the import began, to read the rows' stage names
	cols   []importCol
	idCol  string // the header mapped to id, to name it in a row's rejection
}

// stages are a workspace's lifecycle stages at one moment.
type stages struct {
	byName  map[string]int64 // by lower-case name
	byExact map[string]int64 // by name as written
	names   map[int64]string // by id
	def     int64            // the default's id, 0 if none
}

// find returns the stage a cell names: the one spelled so, else one that
// differs only in case. Names are unique as written, so "Hot" and "HOT"
// may both be stages: each is found by its own spelling.
func (st stages) find(v string) (int64, bool) {
	if id, ok := st.byExact[v]; ok {
		return id, true
	}
	id, ok := st.byName[strings.ToLower(v)]
	return id, ok
}

// readStages reads the workspace's lifecycle stages in q.
func readStages(ctx context.Context, q db.Querier, ws int64) (stages, error) {
	st := stages{byName: map[string]int64{}, byExact: map[string]int64{}, names: map[int64]string{}}
	rows, err := q.Query(ctx, `SELECT id, name, is_default FROM lifecycle_stages WHERE workspace_id = ?`, ws)
	if err != nil {
		return st, fmt.Errorf("contact: import: stages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var isDefault bool
		if err := rows.Scan(&id, &name, &isDefault); err != nil {
			return st, err
		}
		st.byName[strings.ToLower(name)] = id
		st.byExact[name] = id
		st.names[id] = name
		if isDefault {
			st.def = id
		}
	}
	return st, rows.Err()
}

type importCol struct {
	index  int
	header string
	target string // standard name, "tags", or "fields.<key>"
	field  Field
}

// Import reads contacts from a CSV file (a header line, then one contact
// per line) and creates them, or updates the contact of the row's id, else
// the one with the same phone (else email); a row with an id never
// creates a contact (an edited export must not duplicate the contacts
// that have no phone or email). Every row is validated; a bad row is
// rejected with its line and reason and the others are imported. Rows are
// parsed as they are read and written ImportBatch at a time, each batch in
// one write transaction. An empty cell changes nothing on an existing
// contact. With DryRun nothing is written. An import records no
// contact.created or contact.updated event per row (a workflow per
// imported row is not what an import means).
//
// Only owners, managers and workspace tokens may import (forbidden
// otherwise).
func (s *Service) Import(ctx context.Context, p Principal, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Errors: []ImportRowError{}}
	if err := MayImport(p); err != nil {
		return rep, err
	}
	switch opt.Mode {
	case "":
		opt.Mode = ImportAddAndUpdate
	case ImportAddAndUpdate, ImportAddOnly, ImportUpdateOnly:
	default:
		return rep, apperr.Invalid("mode", "must be %s, %s or %s", ImportAddAndUpdate, ImportAddOnly, ImportUpdateOnly)
	}
	// A byte order mark (Excel's "CSV UTF-8") is dropped before the CSV
	// reader sees it: left in, it makes a quoted first header cell an
	// unquoted one holding the mark and the quotes, which maps to nothing.
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
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
	im, err := s.newImporter(ctx, p.WorkspaceID, header, opt.Mapping)
	if err != nil {
		return rep, err
	}
	im.p, im.mode, im.keep = p, opt.Mode, opt.KeepExisting
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
	seen := newHolders() // dry run: the phones and emails as the earlier rows of the file leave them
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
		for i, v := range rec {
			rec[i] = csvcell.Unescape(v) // what an export guarded reads back as it was
		}
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

// MayImport refuses agents: only owners, managers and workspace tokens
// import contacts.
func MayImport(p Principal) error {
	if p.UserID != 0 && p.Role == access.RoleAgent {
		return apperr.Forbidden("only owners and managers may import contacts")
	}
	return nil
}
