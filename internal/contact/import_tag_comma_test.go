package contact_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// A tag's name may hold a comma ("Paris, France"). The export joins a
// contact's tags with ";", and the import also splits on ",": imported
// back, the export gave the contact two new tags, "Paris" and "France",
// besides the one it had. A file whose tag cells hold a ";" is split on
// ";" alone, and the export ends a cell with ";" when a tag holds a
// comma; a file of another tool's comma-separated tags still reads.
func TestExportedTagWithCommaImportsBackWhole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		s := contact.New(d)
		sys := access.System(ws.ID)
		alone, err := s.Create(ctx, ws.ID, contact.Input{FirstName: ptr("Ada"), Tags: []string{"Paris, France"}})
		if err != nil {
			t.Fatal(err)
		}
		two, err := s.Create(ctx, ws.ID, contact.Input{FirstName: ptr("Bob"), Tags: []string{"Lyon, France", "vip"}})
		if err != nil {
			t.Fatal(err)
		}
		rep := importBoth(t, s, sys, exportCSV(t, s, sys))
		if rep.Updated != 2 || rep.Rejected != 0 {
			t.Fatalf("report %+v, want both contacts updated", rep)
		}
		for _, c := range []struct {
			id   int64
			want []string
		}{{alone.ID, []string{"Paris, France"}}, {two.ID, []string{"Lyon, France", "vip"}}} {
			got, err := s.Get(ctx, sys, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Tags, c.want) {
				t.Errorf("contact %d: tags %q after the round trip, want %q", c.id, got.Tags, c.want)
			}
		}
		// Another tool's comma-separated tags still read as several.
		rep = importBoth(t, s, sys, "first_name,email,tags\nCy,cy@example.com,\"a, b\"\n")
		if rep.Created != 1 {
			t.Fatalf("report %+v", rep)
		}
		list, err := s.List(ctx, sys, contact.ListFilter{Search: "cy@example.com"}, pageFirst())
		if err != nil || len(list.Data) != 1 || strings.Join(list.Data[0].Tags, "|") != "a|b" {
			t.Errorf("comma-separated tags: %+v %v, want a and b", list.Data, err)
		}
	})
}
