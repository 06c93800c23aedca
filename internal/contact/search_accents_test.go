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

// The contacts search matches names whatever the case of their accented
// letters, on SQLite as on PostgreSQL: SQLite's own LOWER and LIKE fold
// A–Z only, so "émile" once found nobody called "Émile".
func TestSearchFoldsAccentedCapitals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		for _, n := range []string{"Émile", "Zoé", "Ana"} {
			name := n
			if _, err := s.Create(ctx, ws, contact.Input{FirstName: &name}); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]string{"émile": "Émile", "ÉMILE": "Émile", "Émile": "Émile", "ZOÉ": "Zoé", "zoé": "Zoé", "AN": "Ana"} {
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
