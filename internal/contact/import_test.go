package contact_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

func importFixture(t *testing.T, d *db.DB) (*contact.Service, int64) {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.New(d).Create(ctx, "W", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	s := contact.New(d)
	for _, f := range []contact.Field{{Key: "plan", Type: "list", Options: []string{"free", "pro"}}, {Key: "seats", Type: "number"},
		{Key: "vip", Type: "checkbox"}} {
		if _, err := s.CreateField(ctx, ws.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	return s, ws.ID
}

func TestImportValidatesEveryRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		csv := "First name,Last,Phone,E-mail,Plan,Seats,Stage,Tags\n" +
			"Ada,Lovelace,+44 20 7946 0958,ada@example.com,Pro,3,Customer,vip;newsletter\n" + // 2: ok
			"Bob,,not a phone,,,,,\n" + // 3: invalid phone
			"Cy,,,cy@@example,,,,\n" + // 4: invalid email
			"Di,,,,gold,,,\n" + // 5: unknown option
			"Ed,,,,,many,,\n" + // 6: bad number
			"Fay,,,,,,Astronaut,\n" + // 7: unknown stage
			",,,,,,,\n" + // 8: nothing to import
			"\"Gus\nGrant\",,+33612345678,,,,,\n" + // 9-10: a quoted newline, ok
			"Ada L.,,,ADA@example.com,,,,\n" // 11: the same email: updates Ada
		mapping := map[string]string{"First name": "first_name", "Last": "last_name", "Phone": "phone", "E-mail": "email",
			"Plan": "fields.plan", "Seats": "seats", "Stage": "lifecycle_stage", "Tags": "tags"}
		want := map[int]string{3: "invalid phone", 4: "invalid email", 5: "unknown option", 6: "bad number", 7: "unknown lifecycle stage", 8: "no first name"}
		for _, dry := range []bool{true, false} {
			rep, err := s.Import(ctx, access.System(ws), strings.NewReader(csv), contact.ImportOptions{Mapping: mapping, DryRun: dry})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rows != 9 || rep.Created != 2 || rep.Updated != 1 || rep.Rejected != 6 {
				t.Errorf("dry run %v: report %+v", dry, rep)
			}
			for _, e := range rep.Errors {
				if !strings.Contains(e.Reason, want[e.Line]) || want[e.Line] == "" {
					t.Errorf("line %d: reason %q, want %q", e.Line, e.Reason, want[e.Line])
				}
			}
			n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`)
			if dry && n != 0 || !dry && n != 2 {
				t.Errorf("dry run %v: %d contacts", dry, n)
			}
		}
		list, err := s.List(ctx, access.System(ws), contact.ListFilter{Search: "ada"}, pageFirst())
		if err != nil || len(list.Data) != 1 {
			t.Fatalf("list: %v %+v", err, list)
		}
		ada := list.Data[0]
		if ada.FirstName != "Ada L." || ada.LastName != "Lovelace" || ada.Phone != "+442079460958" || ada.Fields["plan"] != "pro" ||
			ada.Fields["seats"] != float64(3) || ada.LifecycleStage != "Customer" || fmt.Sprint(ada.Tags) != "[newsletter vip]" {
			t.Errorf("imported Ada = %+v", ada)
		}
	})
}

func TestImportMappingRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		for _, tc := range []struct {
			name, csv string
			mapping   map[string]string
			p         access.Principal
			field     string
			kind      apperr.Kind
		}{
			{"empty file", "", nil, access.System(ws), "file", apperr.KindInvalid},
			{"unknown target", "a\n1\n", map[string]string{"a": "shoe_size"}, access.System(ws), "mapping.a", apperr.KindInvalid},
			{"no such column", "a\n1\n", map[string]string{"b": "phone"}, access.System(ws), "mapping.b", apperr.KindInvalid},
			{"twice the same target", "a,b\n1,2\n", map[string]string{"a": "phone", "b": "phone"}, access.System(ws), "mapping.b", apperr.KindInvalid},
			{"nothing to match or name", "a\n1\n", map[string]string{"a": "country"}, access.System(ws), "mapping", apperr.KindInvalid},
			{"an agent", "phone\n+33612345678\n", nil, access.Principal{WorkspaceID: ws, UserID: 9, Role: access.RoleAgent}, "", apperr.KindForbidden},
		} {
			_, err := s.Import(ctx, tc.p, strings.NewReader(tc.csv), contact.ImportOptions{Mapping: tc.mapping})
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != tc.kind || e.Field != tc.field {
				t.Errorf("%s: %v, want %s on %q", tc.name, err, tc.kind, tc.field)
			}
		}
		// Without a mapping, headers that name fields map themselves.
		rep, err := s.Import(ctx, access.System(ws), strings.NewReader("First Name,phone,Plan,ignored\nZoe,+33612345678,free,x\n"), contact.ImportOptions{})
		if err != nil || rep.Created != 1 || rep.Mapping["First Name"] != "first_name" || rep.Mapping["Plan"] != "fields.plan" || len(rep.Mapping) != 3 {
			t.Errorf("auto mapping: %v %+v", err, rep)
		}
	})
}

// More rows than a batch, with duplicates across batches: each phone is
// one contact.
func TestImportAcrossBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		var b strings.Builder
		b.WriteString("first_name,phone,plan\n")
		const n = contact.ImportBatch*2 + 10
		for i := range n {
			fmt.Fprintf(&b, "P%d,+3361%07d,free\n", i, i%(n-5)) // the last 5 rows repeat the first 5 phones
		}
		rep, err := s.Import(context.Background(), access.System(ws), strings.NewReader(b.String()), contact.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != n-5 || rep.Updated != 5 || rep.Rejected != 0 {
			t.Errorf("report %+v", rep)
		}
		if c := dbtest.Count(t, d, `SELECT COUNT(*) FROM contact_field_values`); c != n-5 {
			t.Errorf("field values = %d", c)
		}
	})
}

// A lifecycle stage deleted (and the default moved) between two batches
// of an import: the later rows naming it are rejected, the later new
// contacts get the new default, and no contact names the deleted stage.
// With the stages read only before the first batch, SQLite's foreign key
// failed the second batch; PostgreSQL, which has no such key (migration
// 046), stored contacts naming a stage that no longer exists.
func TestImportStageDeletedMidway(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, ws := importFixture(t, d)
		stages, err := s.ListStages(ctx, ws, pageFirst())
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]int64{}
		for _, st := range stages.Data {
			byName[st.Name] = st.ID
		}
		var b strings.Builder
		b.WriteString("first_name,phone,lifecycle_stage\n")
		for i := range contact.ImportBatch {
			fmt.Fprintf(&b, "A%d,+3361%07d,Hot Lead\n", i, i)
		}
		for i := range 5 {
			fmt.Fprintf(&b, "B%d,+3362%07d,Hot Lead\n", i, i)
			fmt.Fprintf(&b, "C%d,+3363%07d,\n", i, i)
		}
		batches := 0
		yes := true
		rep, err := s.Import(ctx, access.System(ws), strings.NewReader(b.String()), contact.ImportOptions{Progress: func(contact.ImportProgress) {
			if batches++; batches > 1 {
				return
			}
			if _, err := s.UpdateStage(ctx, ws, byName["Customer"], contact.StageInput{IsDefault: &yes}); err != nil {
				t.Error(err)
			}
			for _, name := range []string{"Hot Lead", "New Lead"} {
				if err := s.DeleteStage(ctx, ws, byName[name]); err != nil {
					t.Error(err)
				}
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != contact.ImportBatch+5 || rep.Rejected != 5 {
			t.Errorf("report %+v, want %d created and 5 rejected", rep, contact.ImportBatch+5)
		}
		for _, e := range rep.Errors {
			if e.Reason != `lifecycle stage "Hot Lead" was deleted during the import` {
				t.Errorf("line %d rejected: %s", e.Line, e.Reason)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts c WHERE c.lifecycle_stage_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM lifecycle_stages s WHERE s.id = c.lifecycle_stage_id)`); n != 0 {
			t.Errorf("%d contacts name a deleted stage", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts WHERE first_name LIKE 'C%' AND lifecycle_stage_id = ?`, byName["Customer"]); n != 5 {
			t.Errorf("%d of the 5 contacts created after the default moved have it, want 5", n)
		}
	})
}
