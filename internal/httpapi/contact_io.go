package httpapi

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/csvcell"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
)

// MaxImportBytes bounds a CSV import's body.
const MaxImportBytes = 64 << 20

// importContacts reads a multipart body — "file" (the CSV), "mapping" (a
// JSON object header → target), "dry_run" (true/false), "mode"
// (add_and_update, add_only, update_only) and "overwrite" (false: do not
// overwrite what a contact has) — spools the file
// to disk so a slow client's upload does not hold a write transaction, then
// imports it row by row. With ?progress=true the answer is NDJSON: a
// {"type":"progress","rows":N} line after each batch, then
// {"type":"report","report":{…}} (or {"type":"error","error":{…}}).
func (s *Server) importContacts(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	if err := contact.MayImport(p); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.BadRequest("the body must be multipart/form-data with the CSV in a part named \"file\"")
	}
	q := r.URL.Query()
	opt := contact.ImportOptions{DryRun: q.Get("dry_run") == "true", Mode: q.Get("mode"), KeepExisting: q.Get("overwrite") == "false"}
	var file *os.File
	defer func() {
		if file != nil {
			file.Close()
			os.Remove(file.Name())
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return importBodyError(err)
		}
		switch part.FormName() {
		case "file":
			if file != nil {
				return apperr.Invalid("file", "only one file is imported at a time")
			}
			if file, err = os.CreateTemp("", "switchboard-import-*.csv"); err != nil {
				return err
			}
			if _, err := io.Copy(file, part); err != nil {
				return importBodyError(err)
			}
		case "mapping":
			b, err := io.ReadAll(io.LimitReader(part, 256<<10))
			if err != nil {
				return importBodyError(err)
			}
			if strings.TrimSpace(string(b)) != "" {
				if err := json.Unmarshal(b, &opt.Mapping); err != nil {
					return apperr.Invalid("mapping", "must be a JSON object of CSV header → field: %v", err)
				}
			}
		case "dry_run":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			v, err := strconv.ParseBool(strings.TrimSpace(string(b)))
			if err != nil {
				return apperr.Invalid("dry_run", "must be true or false")
			}
			opt.DryRun = v
		case "mode":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			opt.Mode = strings.TrimSpace(string(b)) // checked by contact.Import
		case "overwrite":
			b, _ := io.ReadAll(io.LimitReader(part, 16))
			v, err := strconv.ParseBool(strings.TrimSpace(string(b)))
			if err != nil {
				return apperr.Invalid("overwrite", "must be true or false")
			}
			opt.KeepExisting = !v
		default:
			return apperr.BadRequest("unknown part %q (file, mapping, dry_run, mode, overwrite)", part.FormName())
		}
	}
	if file == nil {
		return apperr.Invalid("file", "is required: the CSV in a part named \"file\"")
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if r.URL.Query().Get("progress") != "true" {
		rep, err := s.deps.Contacts.Import(r.Context(), p, file, opt)
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusOK, rep)
		return nil
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	enc := json.NewEncoder(w)
	opt.Progress = func(pr contact.ImportProgress) {
		enc.Encode(importLine{Type: "progress", Rows: pr.Rows})
		rc.Flush()
	}
	rep, err := s.deps.Contacts.Import(r.Context(), p, file, opt)
	if err != nil {
		msg, field := "the import failed; rows of the batches before the failure are imported", ""
		var e *apperr.Error
		if errors.As(err, &e) {
			msg, field = e.Message, e.Field
		}
		enc.Encode(importLine{Type: "error", Error: &importLineError{Message: msg, Field: field}})
		return nil
	}
	enc.Encode(importLine{Type: "report", Report: &rep})
	return nil
}

// importLine is one line of an import's NDJSON answer.
type importLine struct {
	Type   string                `json:"type"` // progress, report or error
	Rows   int                   `json:"rows,omitempty"`
	Report *contact.ImportReport `json:"report,omitempty"`
	Error  *importLineError      `json:"error,omitempty"`
}

type importLineError struct {
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func importBodyError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return &apperr.Error{Kind: apperr.KindTooLarge, Message: "the import is over 64 MiB: split the file"}
	}
	return apperr.BadRequest("reading the multipart body: %v", err)
}

// exportContacts streams the filtered contacts as CSV, a chunk at a time.
func (s *Server) exportContacts(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	if err := contact.MayExport(p); err != nil {
		return err
	}
	f, err := contact.ParseListFilter(r.URL.Query())
	if err != nil {
		return err
	}
	header, defs, err := s.deps.Contacts.ExportHeader(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	started := false
	cw := csv.NewWriter(w)
	rc := http.NewResponseController(w)
	n := 0
	err = s.deps.Contacts.Export(r.Context(), p, f, defs, func(row []string) error {
		if !started {
			started = true
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="contacts.csv"`)
			w.WriteHeader(http.StatusOK)
			if err := cw.Write(csvcell.Row(slices.Clone(header))); err != nil {
				return err
			}
		}
		if err := cw.Write(csvcell.Row(row)); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			cw.Flush()
			rc.Flush()
		}
		return cw.Error()
	})
	if err != nil && !started {
		return err // nothing sent yet: an ordinary error answer
	}
	if err != nil {
		panic(http.ErrAbortHandler) // cut the connection: a truncated CSV must not look complete
	}
	if !started {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="contacts.csv"`)
		w.WriteHeader(http.StatusOK)
		cw.Write(csvcell.Row(slices.Clone(header)))
	}
	cw.Flush()
	return cw.Error()
}
