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

// A dry run counts what the import would do: a row whose phone and email
// belong to two contacts made by earlier rows of the same file is
// rejected by the import, so the dry run rejects it too.
func TestImportDryRunMatchesRowsOfTheFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		csv := "first_name,phone,email\n" +
			"Ann,+33612345678,\n" + // 2: creates Ann
			"Bea,,bea@example.com\n" + // 3: creates Bea
			"Ann,+33612345678,bea@example.com\n" + // 4: Ann's phone, Bea's email: rejected
			"Bea B.,,bea@example.com\n" // 5: updates Bea
		var reps []contact.ImportReport
		for _, dry := range []bool{true, false} {
			rep, err := s.Import(ctx, access.System(ws), strings.NewReader(csv), contact.ImportOptions{DryRun: dry})
			if err != nil {
				t.Fatal(err)
			}
			reps = append(reps, rep)
		}
		dry, real := reps[0], reps[1]
		if real.Created != 2 || real.Updated != 1 || real.Rejected != 1 {
			t.Fatalf("import: %+v", real)
		}
		if dry.Created != real.Created || dry.Updated != real.Updated || dry.Rejected != real.Rejected || len(dry.Errors) != 1 || dry.Errors[0].Line != 4 {
			t.Errorf("dry run %+v, import %+v", dry, real)
		}
	})
}
