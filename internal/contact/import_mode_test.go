package contact_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// importOpt imports csv as a dry run, then for real, with opt, and fails
// unless the dry run counted and rejected exactly what the import did.
func importOpt(t *testing.T, s *contact.Service, p access.Principal, csv string, opt contact.ImportOptions) contact.ImportReport {
	t.Helper()
	var reps []contact.ImportReport
	for _, dry := range []bool{true, false} {
		opt.DryRun = dry
		rep, err := s.Import(context.Background(), p, strings.NewReader(csv), opt)
		if err != nil {
			t.Fatalf("dry run %v: %v", dry, err)
		}
		reps = append(reps, rep)
	}
	dry, real := reps[0], reps[1]
	if dry.Created != real.Created || dry.Updated != real.Updated || dry.Rejected != real.Rejected || len(dry.Errors) != len(real.Errors) {
		t.Errorf("the dry run differs from the import:\ndry run %+v\nimport  %+v", dry, real)
	}
	return real
}

// SPEC §2: an import adds only, updates only, or adds and updates, and
// may leave what a contact already has alone ("do not overwrite"). Every
// import added and updated, overwriting.
func TestImportModesAndDoNotOverwrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		sys := access.System(ws)
		ada, err := s.Create(ctx, ws, contact.Input{FirstName: ptr("Ada"), Phone: ptr("+442079460958"), Country: ptr("UK"),
			Fields: map[string]any{"plan": "free"}, LifecycleStage: ptr("Customer"), Tags: []string{"old"}})
		if err != nil {
			t.Fatal(err)
		}
		csv := "first_name,last_name,phone,country,plan,lifecycle_stage,tags\n" +
			"Ada L.,Lovelace,+442079460958,FR,pro,New Lead,new\n" + // line 2: Ada
			"Bob,,+33612345678,,,,\n" // line 3: nobody yet

		// Add only: the row of an existing contact is rejected, saying why.
		rep := importOpt(t, s, sys, csv, contact.ImportOptions{Mode: contact.ImportAddOnly})
		if rep.Created != 1 || rep.Updated != 0 || rep.Rejected != 1 || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Reason, "only adds") {
			t.Errorf("add only: %+v", rep)
		}
		if got, _ := s.Get(ctx, sys, ada.ID); got.FirstName != "Ada" || got.LastName != "" {
			t.Errorf("add only changed Ada: %+v", got)
		}

		// Update only: a row of nobody is rejected; Ada is updated, and so
		// is Bob, whom the add-only import created.
		csv2 := csv + "Cy,,+33700000001,,,,\n" // line 4: nobody
		rep = importOpt(t, s, sys, csv2, contact.ImportOptions{Mode: contact.ImportUpdateOnly, KeepExisting: true})
		if rep.Created != 0 || rep.Updated != 2 || rep.Rejected != 1 || rep.Errors[0].Line != 4 || !strings.Contains(rep.Errors[0].Reason, "only updates") {
			t.Errorf("update only: %+v", rep)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts WHERE phone = '+33700000001'`); n != 0 {
			t.Errorf("update only created Cy")
		}
		// Do not overwrite: what Ada had stays; what she lacked is filled;
		// tags are added.
		got, err := s.Get(ctx, sys, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstName != "Ada" || got.LastName != "Lovelace" || got.Country != "UK" || got.Fields["plan"] != "free" ||
			got.LifecycleStage != "Customer" || !slices.Equal(got.Tags, []string{"new", "old"}) {
			t.Errorf("do not overwrite: Ada is %+v", got)
		}

		// The default still adds and updates, overwriting.
		rep = importOpt(t, s, sys, csv2, contact.ImportOptions{})
		if rep.Created != 1 || rep.Updated != 2 || rep.Rejected != 0 {
			t.Errorf("add and update: %+v", rep)
		}
		if got, _ := s.Get(ctx, sys, ada.ID); got.FirstName != "Ada L." || got.Country != "FR" || got.Fields["plan"] != "pro" || got.LifecycleStage != "New Lead" {
			t.Errorf("overwrite: Ada is %+v", got)
		}

		// An unknown mode is refused before any row is read.
		_, err = s.Import(ctx, sys, strings.NewReader(csv), contact.ImportOptions{Mode: "replace"})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.KindInvalid || e.Field != "mode" {
			t.Errorf("mode replace: %v, want invalid naming mode", err)
		}
	})
}
