package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A custom field's key is its column in an export, and an import without
// a mapping reads a column by its header: a key equal to a standard
// column of the export would make two columns of one name, the first
// (the standard one) read back into the custom field.
func TestFieldKeyMayNotBeAnExportColumn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "W", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := contact.New(d)
		header, _, err := s.ExportHeader(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range header {
			_, err := s.CreateField(ctx, ws.ID, contact.Field{Key: h, Type: "text"})
			if apperr.KindOf(err) != apperr.KindInvalid {
				t.Errorf("field key %q: err %v, want invalid", h, err)
			}
		}
	})
}
