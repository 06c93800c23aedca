package httpapi_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The import's mode and "do not overwrite" (SPEC §2) arrive as parts of
// the body, like dry_run; a bad one is a 422 naming it.
func TestContactImportModeParts(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		first := "first_name,phone,country\nAda,+442079460958,UK\n"
		again := "first_name,phone,country\nAda L.,+442079460958,FR\nBob,+33612345678,\n"
		add, addHdr := importBody(t, first, nil)
		updOnly, updHdr := importBody(t, again, map[string]string{"mode": "update_only", "overwrite": "false"})
		addOnly, addOnlyHdr := importBody(t, again, map[string]string{"mode": "add_only"})
		badMode, badModeHdr := importBody(t, again, map[string]string{"mode": "replace"})
		badOver, badOverHdr := importBody(t, again, map[string]string{"overwrite": "maybe"})
		f.run(t, []scenario{
			{name: "import", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: add, header: addHdr, status: 200,
				want: []string{`"created":1`}},
			{name: "update only, do not overwrite", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: updOnly, header: updHdr, status: 200,
				want: []string{`"created":0`, `"updated":1`, `"rejected":1`, `"line":3`, `only updates contacts`}},
			{name: "Ada kept her name and country", method: "GET", path: "/api/v1/contacts?q=ada", as: "owner", status: 200,
				want: []string{`"first_name":"Ada"`, `"country":"UK"`}},
			{name: "add only", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: addOnly, header: addOnlyHdr, status: 200,
				want: []string{`"created":1`, `"updated":0`, `"rejected":1`, `"line":2`, `only adds contacts`}},
			{name: "a bad mode", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: badMode, header: badModeHdr, status: 422,
				want: []string{`"field":"mode"`}},
			{name: "a bad overwrite", method: "POST", path: "/api/v1/contacts/import", as: "owner", body: badOver, header: badOverHdr, status: 422,
				want: []string{`"field":"overwrite"`}},
		})
	})
}
