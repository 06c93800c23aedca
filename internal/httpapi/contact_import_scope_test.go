package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// An import is an upsert per row: a restricted manager's import may not
// change a contact they may not see (the upsert route answers it 404),
// nor count it as updated; the other rows are imported.
func TestContactImportLeavesUnseenContactsAlone(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		hidden := f.inbound(t, "+14155550100", "Hidden", "m1") // unassigned, no team: not the restricted manager's
		f.vars["hidden"] = itoa(hidden.ContactID)
		csv := "phone,last_name\n+14155550100,Changed\n+14155550101,New\n"
		dry, dryHdr := importBody(t, csv, map[string]string{"dry_run": "true"})
		wet, wetHdr := importBody(t, csv, nil)
		f.run(t, []scenario{
			{name: "restrict managers", method: "PATCH", path: "/api/v1/workspace", as: "owner",
				body: `{"permissions":{"manager":{"see_all_conversations":false,"export_contacts":true,"delete_contacts":true}}}`, status: 200},
			{name: "the upsert refuses it", method: "POST", path: "/api/v1/contacts/upsert", as: "manager",
				body: `{"phone":"+14155550100","last_name":"Changed"}`, status: 404},
			{name: "a dry run counts no update", method: "POST", path: "/api/v1/contacts/import", as: "manager", body: dry, header: dryHdr,
				status: 200, want: []string{`"created":1`, `"updated":0`, `"rejected":1`, `"line":2`}},
			{name: "the import rejects its row", method: "POST", path: "/api/v1/contacts/import", as: "manager", body: wet, header: wetHdr,
				status: 200, want: []string{`"created":1`, `"updated":0`, `"rejected":1`, `"line":2`}},
			{name: "the contact is unchanged", method: "GET", path: "/api/v1/contacts/{{hidden}}", as: "owner", status: 200,
				want: []string{`"first_name":"Hidden"`}, notWant: []string{"Changed"}},
		})
	})
}
