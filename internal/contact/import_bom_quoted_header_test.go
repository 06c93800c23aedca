package contact_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A file saved as "CSV UTF-8" starts with a byte order mark; when its
// header cells are quoted, the mark must not make the first header
// unreadable (with or without a mapping).
func TestImportQuotedHeaderAfterBOM(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		csv := "\ufeff\"phone\",\"first_name\"\r\n\"+33612345678\",\"Zoé\"\r\n"
		for _, mapping := range []map[string]string{nil, {"phone": "phone", "first_name": "first_name"}} {
			rep, err := s.Import(ctx, access.System(ws), strings.NewReader(csv), contact.ImportOptions{Mapping: mapping, DryRun: true})
			if err != nil {
				t.Fatalf("mapping %v: %v", mapping, err)
			}
			if rep.Mapping["phone"] != "phone" || rep.Created != 1 || rep.Rejected != 0 {
				t.Errorf("mapping %v: report %+v", mapping, rep)
			}
		}
	})
}
