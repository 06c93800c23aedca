package contact_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Stage names are unique as written, so a workspace may have "Hot" and
// "HOT". The import reads a stage without regard to case, and kept one
// name per lower-cased form: a row naming "Hot" exactly got whichever of
// the two was read last. A name the cell spells exactly is that stage;
// case is ignored only when no stage is spelled so.
func TestImportStageSpelledExactlyWinsOverCase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		for _, name := range []string{"Hot", "HOT"} {
			if _, err := s.CreateStage(ctx, ws, contact.StageInput{Name: ptr(name)}); err != nil {
				t.Fatal(err)
			}
		}
		rep := importOpt(t, s, access.System(ws), "first_name,email,lifecycle_stage\nAda,ada@example.com,Hot\nBob,bob@example.com,HOT\nCy,cy@example.com,customer\n",
			contact.ImportOptions{})
		if rep.Created != 3 {
			t.Fatalf("report %+v", rep)
		}
		for email, want := range map[string]string{"ada@example.com": "Hot", "bob@example.com": "HOT", "cy@example.com": "Customer"} {
			list, err := s.List(ctx, access.System(ws), contact.ListFilter{Search: email}, pageFirst())
			if err != nil || len(list.Data) != 1 {
				t.Fatalf("%s: %+v %v", email, list.Data, err)
			}
			if got := list.Data[0].LifecycleStage; got != want {
				t.Errorf("%s: stage %q, want %q", email, got, want)
			}
		}
	})
}
