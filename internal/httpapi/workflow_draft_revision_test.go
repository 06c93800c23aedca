package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// Two managers edit one draft: every answer with a workflow carries its
// draft revision (draft_revision, and the ETag "N"); a save or publish
// sent with If-Match on a revision the draft has left is a 409
// draft_changed naming who changed it, and changes nothing; without
// If-Match (or with *) a save overwrites, as before revisions; a
// malformed If-Match is a 400 naming the header.
func TestWorkflowDraftRevisionAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		def := func(text string) string {
			return `{"name": "Revisions", "trigger": {"type": "manual"}, "steps": [{"id": "note", "type": "add_comment", "settings": {"text": "` + text + `"}}]}`
		}
		ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }
		f.run(t, []scenario{
			{name: "create", method: "POST", path: "/api/v1/workflows", as: "manager", body: def("first"), status: 201, capture: "wf",
				want: []string{`"draft_revision":1`, `"draft_saved_at":"`}},
			{name: "the owner saves on the revision both loaded", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "owner",
				body: def("owner's"), header: ifMatch(`"1"`), status: 200,
				want: []string{`"draft_revision":2`, `"draft_saved_by":{"id":{{owner}},"name":"The owner"}`}},
		})
		if etag := f.header(t, "GET", "/api/v1/workflows/{{wf}}", "manager", "ETag"); etag != `"2"` {
			t.Fatalf("GET answered ETag %q, want \"2\"", etag)
		}
		before := f.draftRow(t)
		f.run(t, []scenario{
			{name: "the manager saves on the revision the owner saved over", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager",
				body: def("manager's"), header: ifMatch(`"1"`), status: 409,
				want: []string{`"code":"draft_changed"`, `The owner saved it at `, `(revision 2)`}},
			{name: "the manager publishes the revision the owner saved over", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager",
				header: ifMatch(`"1"`), status: 409, want: []string{`"code":"draft_changed"`}},
			{name: "a weak ETag never matches", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager",
				body: def("manager's"), header: ifMatch(`W/"2"`), status: 400, want: []string{`"field":"If-Match"`}},
			{name: "an unquoted revision", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager",
				body: def("manager's"), header: ifMatch(`2`), status: 400, want: []string{`"field":"If-Match"`}},
			{name: "an unknown workflow is still a 404", method: "PUT", path: "/api/v1/workflows/999999", as: "manager",
				body: def("manager's"), header: ifMatch(`"1"`), status: 404},
		})
		if after := f.draftRow(t); after != before {
			t.Errorf("refused changes changed the workflow:\nbefore %s\nafter  %s", before, after)
		}
		f.run(t, []scenario{
			{name: "without If-Match a save overwrites", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager",
				body: def("manager's"), status: 200, want: []string{`"draft_revision":3`, `"name":"The manager"`}},
			{name: "If-Match * is any revision", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "integration",
				body: def("integration's"), header: ifMatch(`*`), status: 200, want: []string{`"draft_revision":4`, `"draft_saved_by":null`}},
			{name: "a save on a revision an integration saved over names no one", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager",
				body: def("manager's"), header: ifMatch(`"3"`), status: 409, want: []string{`"code":"draft_changed"`, `API token`}},
			{name: "publish the revision seen", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager",
				header: ifMatch(`"4"`), status: 200, want: []string{`"published_version":1`, `"draft_revision":5`, `"text":"integration's"`}},
			{name: "a save on the revision before the publish", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "owner",
				body: def("owner's again"), header: ifMatch(`"4"`), status: 409, want: []string{`The manager published it`}},
		})
		if etag := f.header(t, "PUT", "/api/v1/workflows/{{wf}}", "owner", "ETag", def("owner's again")); etag != `"6"` {
			t.Errorf("PUT answered ETag %q, want \"6\"", etag)
		}
	})
}

// header sends a request and returns the answer's header name.
func (f *fixture) header(t *testing.T, method, path, as, name string, body ...string) string {
	t.Helper()
	var r *strings.Reader
	if len(body) > 0 {
		r = strings.NewReader(body[0])
	} else {
		r = strings.NewReader("")
	}
	req, err := http.NewRequest(method, f.srv.URL+f.expand(path), r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
	return resp.Header.Get(name)
}

// draftRow is the workflow {{wf}}'s draft columns and versions, as text.
func (f *fixture) draftRow(t *testing.T) string {
	t.Helper()
	var draft, name string
	var revision, at int64
	if err := f.d.Reader().QueryRow(t.Context(), `SELECT draft, draft_revision, draft_saved_at, draft_saved_by_name FROM workflows WHERE id = ?`,
		f.vars["wf"]).Scan(&draft, &revision, &at, &name); err != nil {
		t.Fatal(err)
	}
	versions := dbtest.Count(t, f.d, `SELECT COUNT(*) FROM workflow_versions WHERE workflow_id = ?`, f.vars["wf"])
	return strings.Join([]string{draft, itoa(revision), itoa(at), name, itoa(int64(versions))}, " | ")
}
