package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An export writes a number field as it is stored, in plain decimal
// notation: 1500000 seats must not come out as "1.5e+06".
func TestExportWritesNumbersInDecimal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		p := access.System(ws)
		first := "Big"
		if _, err := s.Create(ctx, ws, contact.Input{FirstName: &first, Fields: map[string]any{"seats": 1500000.0, "vip": true}}); err != nil {
			t.Fatal(err)
		}
		header, defs, err := s.ExportHeader(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]string
		if err := s.Export(ctx, p, contact.ListFilter{}, defs, func(r []string) error {
			rows = append(rows, append([]string(nil), r...))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("rows %v", rows)
		}
		got := map[string]string{}
		for i, h := range header {
			got[h] = rows[0][i]
		}
		if got["seats"] != "1500000" || got["vip"] != "true" {
			t.Errorf("exported seats %q, vip %q; want 1500000, true", got["seats"], got["vip"])
		}
	})
}
