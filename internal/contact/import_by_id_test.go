package contact_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/csvcell"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// exportCSV is the workspace's export as p sees it, as the export route
// writes it.
func exportCSV(t *testing.T, s *contact.Service, p access.Principal) string {
	t.Helper()
	ctx := context.Background()
	header, defs, err := s.ExportHeader(ctx, p.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(csvcell.Row(header))
	if err := s.Export(ctx, p, contact.ListFilter{}, defs, func(row []string) error { return w.Write(csvcell.Row(row)) }); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}

// importBoth imports csv as a dry run, then for real, and fails unless
// the dry run counted and rejected exactly what the import did.
func importBoth(t *testing.T, s *contact.Service, p access.Principal, csv string) contact.ImportReport {
	t.Helper()
	var reps []contact.ImportReport
	for _, dry := range []bool{true, false} {
		rep, err := s.Import(context.Background(), p, strings.NewReader(csv), contact.ImportOptions{DryRun: dry})
		if err != nil {
			t.Fatalf("dry run %v: %v", dry, err)
		}
		reps = append(reps, rep)
	}
	dry, real := reps[0], reps[1]
	if dry.Rows != real.Rows || dry.Created != real.Created || dry.Updated != real.Updated || dry.Rejected != real.Rejected ||
		!reflect.DeepEqual(dry.Errors, real.Errors) {
		t.Errorf("the dry run differs from the import:\ndry run %+v\nimport  %+v", dry, real)
	}
	return real
}

// Contacts of Telegram, Instagram or the widget have no phone or email:
// exporting them, editing the file and importing it back updates them by
// their id instead of creating them again.
func TestImportExportRoundTripByID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		ada := f.receive(t, f.chA, "tg-1", "m1", contact.Input{FirstName: ptr("Ada")})
		bob := f.receive(t, f.chB, "ig-2", "m2", contact.Input{FirstName: ptr("Bob")})
		cy, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Cy"), Phone: ptr("+33612345678")})
		if err != nil {
			t.Fatal(err)
		}
		out := exportCSV(t, f.svc, f.system)
		edited := strings.Replace(strings.Replace(out, ",Ada,", ",Ada L.,", 1), ",Bob,,", ",Bob,Smith,", 1)
		if edited == out || strings.Count(edited, "Smith") != 1 {
			t.Fatalf("the export does not read as expected:\n%s", out)
		}
		rep := importBoth(t, f.svc, f.system, edited)
		if rep.Rows != 3 || rep.Created != 0 || rep.Updated != 3 || rep.Rejected != 0 || rep.Mapping["id"] != "id" {
			t.Errorf("report %+v, want the 3 contacts updated", rep)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 3 {
			t.Errorf("%d contacts after the round trip, want 3", n)
		}
		for id, want := range map[int64]string{ada.ContactID: "Ada L. ", bob.ContactID: "Bob Smith", cy.ID: "Cy +33612345678"} {
			c, err := f.svc.Get(ctx, f.system, id)
			if got := c.FirstName + " " + c.LastName + c.Phone; err != nil || got != want {
				t.Errorf("contact %d: %q (%v), want %q", id, got, err, want)
			}
		}
	})
}

// A row with an id updates that contact of the workspace or nothing: a
// bad, unknown or foreign id, or a phone or email of another contact, is
// a rejected row, never a new contact.
func TestImportByIDRejections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		create := func(ws int64, in contact.Input) int64 {
			c, err := s.Create(ctx, ws, in)
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		a := create(ws, contact.Input{FirstName: ptr("A")})
		b := create(ws, contact.Input{FirstName: ptr("B"), Phone: ptr("+33611111111")})
		c := create(ws, contact.Input{FirstName: ptr("C"), Email: ptr("c@example.com")})
		other, err := workspace.New(d).Create(ctx, "Other", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		x := create(other.ID, contact.Input{FirstName: ptr("X")})
		for _, tc := range []struct {
			name, csv string
			updated   int
			field     string // of the rejection ("" for the row as a whole)
			reason    string // part of the rejection's reason; "" for none
		}{
			{"not a number", "id,first_name\nabc,Z\n", 0, "id", "not a positive integer"},
			{"zero", "id,first_name\n0,Z\n", 0, "id", "not a positive integer"},
			{"negative", "id,first_name\n-4,Z\n", 0, "id", "not a positive integer"},
			{"a decimal", "id,first_name\n1.5,Z\n", 0, "id", "not a positive integer"},
			{"no such contact", "id,first_name\n999999,Z\n", 0, "id", unseenID},
			{"a contact of another workspace", fmt.Sprintf("id,first_name\n%d,Z\n", x), 0, "id", unseenID},
			{"the phone of another contact", fmt.Sprintf("id,phone\n%d,+33611111111\n", a), 0, "",
				fmt.Sprintf("the id is contact %d but the phone belongs to contact %d", a, b)},
			{"the email of another contact", fmt.Sprintf("id,email\n%d,C@example.com\n", b), 0, "",
				fmt.Sprintf("the id is contact %d but the email belongs to contact %d", b, c)},
			{"its own phone, and an email nobody has", fmt.Sprintf("id,phone,email\n%d,+33611111111,b@example.com\n", b), 1, "", ""},
			{"only an id and a last name", fmt.Sprintf("id,last_name\n%d,Aa\n", a), 1, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rep := importBoth(t, s, access.System(ws), tc.csv)
				rejected := 0
				if tc.reason != "" {
					rejected = 1
				}
				if rep.Created != 0 || rep.Updated != tc.updated || rep.Rejected != rejected {
					t.Fatalf("report %+v, want %d updated and %d rejected", rep, tc.updated, rejected)
				}
				if rejected == 1 && (rep.Errors[0].Line != 2 || rep.Errors[0].Field != tc.field || !strings.Contains(rep.Errors[0].Reason, tc.reason)) {
					t.Errorf("rejection %+v, want field %q and reason %q", rep.Errors[0], tc.field, tc.reason)
				}
			})
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts WHERE workspace_id = ?`, ws); n != 3 {
			t.Errorf("%d contacts, want the 3 the test made", n)
		}
		got, err := s.Get(ctx, access.System(ws), b)
		if err != nil || got.Email != "b@example.com" {
			t.Errorf("B = %+v (%v), want the email the import set", got, err)
		}
	})
}

// A restricted importer may not change, by its id, a contact they may not
// see, nor learn that it exists: the row is rejected as an unknown id.
func TestImportByIDRestrictedImporter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newMergeFixture(t, d)
		ctx := context.Background()
		hidden := f.receive(t, f.chA, "tg-1", "m1", contact.Input{FirstName: ptr("Hidden"), Phone: ptr("+14155550100")}) // unassigned, no team
		lead, err := f.svc.Create(ctx, f.ws, contact.Input{FirstName: ptr("Lead")})                                      // no conversation: everyone's
		if err != nil {
			t.Fatal(err)
		}
		manager := access.Principal{WorkspaceID: f.ws, UserID: 99, Role: access.RoleManager, Can: access.Permissions{ExportContacts: true}}
		csv := fmt.Sprintf("id,first_name,phone\n%d,Changed,\n%d,Leader,\n%d,,+14155550100\n", hidden.ContactID, lead.ID, lead.ID)
		rep := importBoth(t, f.svc, manager, csv)
		if rep.Created != 0 || rep.Updated != 1 || rep.Rejected != 2 || len(rep.Errors) != 2 {
			t.Fatalf("report %+v, want 1 updated and 2 rejected", rep)
		}
		if e := rep.Errors[0]; e.Line != 2 || e.Field != "id" || e.Reason != unseenID {
			t.Errorf("the hidden contact's row: %+v", e)
		}
		if e := rep.Errors[1]; e.Line != 4 || e.Reason != "no contact you may see has this phone or email" {
			t.Errorf("the row with the hidden contact's phone: %+v", e)
		}
		if c, _ := f.svc.Get(ctx, f.system, hidden.ContactID); c.FirstName != "Hidden" {
			t.Errorf("the hidden contact was changed: %+v", c)
		}
		if c, _ := f.svc.Get(ctx, f.system, lead.ID); c.FirstName != "Leader" || c.Phone != "" {
			t.Errorf("the lead = %+v", c)
		}
	})
}

// Rows with ids change phones and emails; later rows, in the same batch or
// the next, match by what the earlier rows left (a phone an id row set, or
// one it freed), and the dry run counts and rejects exactly as the import.
func TestImportByIDLaterRowsSeeEarlierOnes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, ws := importFixture(t, d)
		ctx := context.Background()
		ids := map[string]int64{}
		for _, in := range []contact.Input{{FirstName: ptr("A"), Phone: ptr("+33610000001")}, {FirstName: ptr("B")}, {FirstName: ptr("C")}} {
			c, err := s.Create(ctx, ws, in)
			if err != nil {
				t.Fatal(err)
			}
			ids[c.FirstName] = c.ID
		}
		a, b, c := ids["A"], ids["B"], ids["C"]
		var f strings.Builder
		f.WriteString("id,first_name,phone,email\n")
		// The first batch.
		fmt.Fprintf(&f, "%d,,+33610000002,\n", a)  // A's phone changes: +33610000001 is nobody's now
		fmt.Fprintf(&f, "%d,,,b@example.com\n", b) // B gets an email
		fmt.Fprintf(&f, "%d,,+33610000001,\n", c)  // C takes A's former phone
		f.WriteString(",Dup,+33610000002,\n")      // A, by the phone its row set
		for i := range contact.ImportBatch - 4 {
			fmt.Fprintf(&f, ",N%d,+3362%07d,\n", i, i)
		}
		// The second batch.
		f.WriteString(",Eve,,b@example.com\n")      // B, by the email set in the first batch
		f.WriteString(",Fay,+33610000001,\n")       // C, by the phone it took
		line := contact.ImportBatch + 4             // of the next row
		fmt.Fprintf(&f, "%d,,+33610000001,\n", a)   // rejected: C's phone now
		fmt.Fprintf(&f, "%d,,,b2@example.com\n", b) // B's email changes
		f.WriteString(",Gil,,b@example.com\n")      // b@example.com is nobody's now: a new contact
		f.WriteString("99999999,X,,\nabc,Y,,\n")    // rejected: no such contact, not an id
		rep := importBoth(t, s, access.System(ws), f.String())
		if rep.Created != contact.ImportBatch-3 || rep.Updated != 7 || rep.Rejected != 3 {
			t.Errorf("report %+v, want %d created, 7 updated, 3 rejected", rep, contact.ImportBatch-3)
		}
		want := []contact.ImportRowError{
			{Line: line, Reason: fmt.Sprintf("the id is contact %d but the phone belongs to contact %d", a, c)},
			{Line: line + 3, Field: "id", Column: "id", Reason: unseenID},
			{Line: line + 4, Field: "id", Column: "id", Reason: "is not a positive integer"},
		}
		// A line refused as it is read is reported before the rows of its
		// batch, which are refused when the batch is written.
		slices.SortFunc(rep.Errors, func(x, y contact.ImportRowError) int { return x.Line - y.Line })
		if !reflect.DeepEqual(rep.Errors, want) {
			t.Errorf("errors %+v, want %+v", rep.Errors, want)
		}
		for id, wantC := range map[int64]string{a: "Dup +33610000002 ", b: "Eve  b2@example.com", c: "Fay +33610000001 "} {
			got, err := s.Get(ctx, access.System(ws), id)
			if have := got.FirstName + " " + got.Phone + " " + got.Email; err != nil || have != wantC {
				t.Errorf("contact %d = %q (%v), want %q", id, have, err, wantC)
			}
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts WHERE email = 'b@example.com' AND first_name = 'Gil'`); n != 1 {
			t.Errorf("Gil was not created with the email B gave up")
		}
	})
}

// unseenID is the reason of a row whose id is no contact the importer
// may see.
const unseenID = "no contact you may see has this id (if the column holds another tool's ids, map it to nothing: the rows then match by phone or email)"
