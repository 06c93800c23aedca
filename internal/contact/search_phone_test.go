package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// A phone searched as people write it — with spaces, dashes, dots or
// brackets, or in its national form with the trunk 0 — finds the contact
// whose phone is stored in E.164. Before, "+33 6 12 34" found nobody
// called +33612345678.
func TestSearchFindsPhonesWrittenAsPeopleWriteThem(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		for _, c := range []struct{ name, phone string }{{"Léa", "+33612345678"}, {"Bob", "+14155550123"}} {
			name, phone := c.name, c.phone
			if _, err := s.Create(ctx, ws, contact.Input{FirstName: &name, Phone: &phone}); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]string{"+33 6 12 34": "Léa", "06 12 34 56 78": "Léa", "06.12.34": "Léa", "(415) 555-0123": "Bob",
			"+1 415-555": "Bob", "0123": "Bob", "Léa": "Léa"} {
			got, err := s.List(ctx, access.System(ws), contact.ListFilter{Search: q}, page.First())
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Data) != 1 || got.Data[0].FirstName != want {
				var names []string
				for _, c := range got.Data {
					names = append(names, c.FirstName)
				}
				t.Errorf("search %q found %v; want %s", q, names, want)
			}
		}
	})
}
