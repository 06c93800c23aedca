package contact

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// exportChunk is how many contacts an export reads at a time.
const exportChunk = 500

// ExportHeader is the CSV header of an export: the standard columns, then
// one per custom field (by key).
func (s *Service) ExportHeader(ctx context.Context, workspaceID int64) ([]string, []Field, error) {
	defs, err := listFields(ctx, s.db.Reader(), workspaceID)
	if err != nil {
		return nil, nil, err
	}
	h := []string{"id", "first_name", "last_name", "phone", "email", "language", "country", "lifecycle_stage", "tags",
		"created_at", "last_message_at"}
	for _, f := range defs {
		h = append(h, f.Key)
	}
	return h, defs, nil
}

// MayExport refuses a principal without the export_contacts permission
// (owners and workspace tokens have it).
func MayExport(p Principal) error {
	if p.UserID != 0 && p.Role != access.RoleOwner && !p.Can.ExportContacts {
		return apperr.Forbidden("you may not export contacts; an owner can allow it in the workspace's permissions")
	}
	return nil
}

// Export calls row for each contact the principal may see that the filter
// keeps, in id order, as CSV cells matching ExportHeader's columns. It
// reads exportChunk contacts at a time: the list is never held whole.
func (s *Service) Export(ctx context.Context, p Principal, f ListFilter, defs []Field, row func([]string) error) error {
	if err := MayExport(p); err != nil {
		return err
	}
	req := page.First()
	req.Limit = exportChunk
	cells := make([]string, 0, 11+len(defs))
	for {
		pg, err := s.List(ctx, p, f, req)
		if err != nil {
			return err
		}
		for _, c := range pg.Data {
			last := ""
			if !c.LastIncomingAt.IsZero() && c.LastIncomingAt.Unix() > 0 {
				last = c.LastIncomingAt.UTC().Format(time.RFC3339)
			}
			cells = append(cells[:0], strconv.FormatInt(c.ID, 10), c.FirstName, c.LastName, c.Phone, c.Email, c.Language, c.Country,
				c.LifecycleStage, tagsCell(c.Tags), c.CreatedAt.UTC().Format(time.RFC3339), last)
			for _, d := range defs {
				v, ok := c.Fields[d.Key]
				if !ok {
					cells = append(cells, "")
					continue
				}
				// The value's stored form (a number in plain decimal, not
				// fmt's 1.5e+06), which an import reads back; one no longer
				// valid (an option since removed) as it reads.
				cell, err := ValidateValue(d, v)
				if err != nil {
					cell = fmt.Sprint(v)
				}
				cells = append(cells, cell)
			}
			if err := row(cells); err != nil {
				return err
			}
		}
		var more bool
		if req, more = page.Next(req, pg, page.OrderID); !more {
			return nil
		}
	}
}

// tagsCell is a contact's tags as an export writes them: joined with ";",
// and ending with ";" when one holds a comma, so that the import, which
// splits a cell without ";" on commas, reads "Paris, France" back whole.
func tagsCell(tags []string) string {
	cell := strings.Join(tags, ";")
	if strings.Contains(cell, ",") {
		cell += ";"
	}
	return cell
}
