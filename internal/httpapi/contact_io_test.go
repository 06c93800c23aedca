package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// importBody is a multipart body with the parts given (file last), and
// its content type.
func importBody(t *testing.T, csv string, parts map[string]string) (string, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range parts {
		must0(t, w.WriteField(k, v))
	}
	fw, err := w.CreateFormFile("file", "contacts.csv")
	must0(t, err)
	fw.Write([]byte(csv))
	must0(t, w.Close())
	return b.String(), map[string]string{"Content-Type": w.FormDataContentType()}
}

func TestContactImportExport(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		csv := "Name,Phone,Email\nAda,+442079460958,ada@example.com\nBob,12,\nCy,+33612345678,cy@example.com\n"
		body, hdr := importBody(t, csv, map[string]string{"mapping": `{"Name":"first_name","Phone":"phone","Email":"email"}`, "dry_run": "true"})
		wet, wetHdr := importBody(t, csv, map[string]string{"mapping": `{"Name":"first_name","Phone":"phone","Email":"email"}`})
		bad, badHdr := importBody(t, csv, map[string]string{"mapping": `{"Name":"shoe_size"}`})
		f.run(t, []scenario{
			{name: "an agent may not import", method: "POST", path: "/api/v1/contacts/import", as: "agent", body: body, header: hdr, status: 403},
			{name: "not multipart", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: `{}`, status: 400},
			{name: "a bad mapping", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: bad, header: badHdr,
				status: 422, want: []string{`"field":"mapping.Name"`}},
			{name: "dry run", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: body, header: hdr, status: 200,
				want: []string{`"dry_run":true`, `"rows":3`, `"created":2`, `"rejected":1`, `"line":3`, `"field":"phone"`, `invalid phone`}},
			{name: "dry run wrote nothing", method: "GET", path: "/api/v1/contacts", as: "owner", status: 200, want: []string{`"data":[]`}},
			{name: "import with progress", method: "POST", path: "/api/v1/contacts/import?progress=true", as: "manager", body: wet, header: wetHdr,
				status: 200, want: []string{`{"type":"progress","rows":3}`, `{"type":"report","report":{"dry_run":false,"rows":3,"created":2`}},
			{name: "list filtered by q", method: "GET", path: "/api/v1/contacts?q=ada", as: "owner", status: 200,
				want: []string{`"first_name":"Ada"`}, notWant: []string{`"Cy"`}},
			{name: "an agent may not export", method: "GET", path: "/api/v1/contacts/export", as: "agent", status: 403},
			{name: "export", method: "GET", path: "/api/v1/contacts/export?q=cy", as: "owner", status: 200,
				want:    []string{"id,first_name,last_name,phone,email,language,country,lifecycle_stage,tags,created_at,last_message_at\n", ",Cy,,+33612345678,cy@example.com,"},
				notWant: []string{"Ada"}},
			{name: "export, bad filter", method: "GET", path: "/api/v1/contacts/export?channel_id=x", as: "owner", status: 400},
		})
		_, out := f.do(t, scenario{method: "GET", path: "/api/v1/contacts/export", as: "owner"})
		if n := strings.Count(string(out), "\n"); n != 3 {
			t.Errorf("export has %d lines, want a header and 2 contacts:\n%s", n, out)
		}
	})
}

// An agent allowed to export exports only the contacts they may see.
func TestContactExportIsScoped(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.inbound(t, "+14155550100", "Hidden", "m1") // an unassigned conversation of no team of theirs
		f.run(t, []scenario{
			{name: "a contact nobody talks to", method: "POST", path: "/api/v1/contacts", as: "owner", body: `{"first_name":"Lead"}`, status: 201},
			{name: "the agent may export but sees little", method: "PATCH", path: "/api/v1/users/{{agent}}", as: "owner",
				body: `{"permissions":{"see_all_conversations":false,"export_contacts":true,"delete_contacts":false}}`, status: 200},
			{name: "the agent's export", method: "GET", path: "/api/v1/contacts/export", as: "agent", status: 200,
				want: []string{",Lead,"}, notWant: []string{"Hidden"}},
			{name: "the owner's export", method: "GET", path: "/api/v1/contacts/export", as: "owner", status: 200,
				want: []string{",Lead,", ",Hidden,"}},
		})
	})
}

// A contact names themselves (a channel profile, a form): a name that a
// spreadsheet would run as a formula is exported with an apostrophe
// before it, so opening the export runs nothing, and importing the export
// gives the name back as it was. A number is left alone.
func TestContactExportRunsNoFormula(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "a contact named like a formula", method: "POST", path: "/api/v1/contacts", as: "owner",
				body: `{"first_name":"=HYPERLINK(\"http://evil.test\",\"Open\")","last_name":"-1+1","phone":"+14155550100"}`, status: 201},
		})
		_, out := f.do(t, scenario{method: "GET", path: "/api/v1/contacts/export", as: "owner"})
		if !strings.Contains(string(out), `"'=HYPERLINK(""http://evil.test"",""Open"")",'-1+1,+14155550100,`) {
			t.Fatalf("export:\n%s\nwant the name and last name behind an apostrophe, the phone as it is", out)
		}
		body, hdr := importBody(t, string(out), map[string]string{"mapping": `{"id":"","first_name":"first_name","last_name":"last_name","phone":"phone"}`})
		f.run(t, []scenario{
			{name: "the export imported back", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: body, header: hdr,
				status: 200, want: []string{`"updated":1`}},
		})
		_, list := f.do(t, scenario{method: "GET", path: "/api/v1/contacts", as: "owner"})
		if !strings.Contains(string(list), `"first_name":"=HYPERLINK(\"http://evil.test\",\"Open\")"`) || !strings.Contains(string(list), `"last_name":"-1+1"`) {
			t.Fatalf("after the import: %s", list)
		}
	})
}

// Contacts with no phone or email (a widget visitor, a lead typed in)
// exported, edited in a spreadsheet and imported back are updated by
// their id, not created again.
func TestContactExportEditedImportsBackByID(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.inbound(t, "visitor-1", "Visitor", "m1")
		f.run(t, []scenario{
			{name: "a lead", method: "POST", path: "/api/v1/contacts", as: "owner", body: `{"first_name":"Lead"}`, status: 201},
		})
		_, out := f.do(t, scenario{method: "GET", path: "/api/v1/contacts/export", as: "owner"})
		edited := strings.Replace(strings.Replace(string(out), ",Lead,", ",Leader,", 1), ",Visitor,,", ",Visitor,Smith,", 1)
		if strings.Count(edited, "Leader") != 1 || strings.Count(edited, "Smith") != 1 {
			t.Fatalf("the export does not read as expected:\n%s", out)
		}
		body, hdr := importBody(t, edited, nil)
		f.run(t, []scenario{
			{name: "the edited export imported back", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: body, header: hdr,
				status: 200, want: []string{`"rows":2,"created":0,"updated":2,"rejected":0`, `"id":"id"`}},
			{name: "the contacts are changed", method: "GET", path: "/api/v1/contacts", as: "owner", status: 200,
				want: []string{`"first_name":"Leader"`, `"last_name":"Smith"`}, notWant: []string{`"first_name":"Lead"`}},
		})
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM contacts`); n != 2 {
			t.Errorf("%d contacts after the round trip, want 2", n)
		}
	})
}
