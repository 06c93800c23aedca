package httpapi_test

import (
	"context"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The versions panel: a workflow's published versions newest first, paged,
// with the runs started on each, and one version's definition; managers
// only, 400 for a malformed version and 404 for an unknown one.
func TestWorkflowVersionsAPI(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		def := func(text string) string {
			return `{"name": "Versions", "trigger": {"type": "manual"}, "steps": [{"id": "note", "type": "add_comment", "settings": {"text": "` + text + `"}}]}`
		}
		f.run(t, []scenario{
			{name: "create", method: "POST", path: "/api/v1/workflows", as: "manager", body: def("first"), status: 201, capture: "wf"},
			{name: "no versions yet", method: "GET", path: "/api/v1/workflows/{{wf}}/versions", as: "manager", status: 200,
				want: []string{`"data":[]`, `"next_cursor":""`}},
			{name: "publish v1", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 200},
			{name: "edit the draft", method: "PUT", path: "/api/v1/workflows/{{wf}}", as: "manager", body: def("second"), status: 200},
			{name: "publish v2", method: "POST", path: "/api/v1/workflows/{{wf}}/publish", as: "manager", status: 200,
				want: []string{`"published_version":2`}},
		})
		ctx := context.Background()
		// Two runs on v1, one of them waiting; none on v2.
		if err := f.d.Write(ctx, func(tx *db.Tx) error {
			for _, status := range []string{"waiting_reply", "finished"} {
				ended := int64(0)
				if status == "finished" {
					ended = tx.Now()
				}
				if _, err := tx.Exec(ctx, `INSERT INTO workflow_runs (workspace_id, workflow_id, version, status, step, created_at, updated_at, ended_at)
					VALUES (?, ?, 1, ?, 'note', ?, ?, ?)`, f.ws.ID, f.vars["wf"], status, tx.Now(), tx.Now(), ended); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		f.run(t, []scenario{
			{name: "agents see no versions", method: "GET", path: "/api/v1/workflows/{{wf}}/versions", as: "agent", status: 403},
			{name: "a stranger's versions", method: "GET", path: "/api/v1/workflows/{{wf}}/versions", as: "stranger", status: 404},
			{name: "the versions", method: "GET", path: "/api/v1/workflows/{{wf}}/versions", as: "manager", status: 200,
				want: []string{`{"version":2,"published_at":`, `"published":true,"runs":0,"waiting":0}`,
					`{"version":1,"published_at":`, `"published":false,"runs":2,"waiting":1}`},
				notWant: []string{`"definition"`}},
			{name: "the first page", method: "GET", path: "/api/v1/workflows/{{wf}}/versions?limit=1", as: "manager", status: 200,
				want: []string{`"version":2`}, notWant: []string{`"version":1`}, cursor: "next"},
			{name: "the next page", method: "GET", path: "/api/v1/workflows/{{wf}}/versions?limit=1&cursor={{next}}", as: "manager", status: 200,
				want: []string{`"version":1`, `"next_cursor":""`}, notWant: []string{`"version":2`}},
			{name: "a cursor of another list", method: "GET", path: "/api/v1/workflows/{{wf}}/versions?cursor=eyJvIjoiaWQiLCJpIjoxfQ", as: "manager",
				status: 400},
			{name: "a cursor past any version stored", method: "GET", path: "/api/v1/workflows/{{wf}}/versions?cursor=eyJvIjoidmVyc2lvbnMiLCJpIjo5OTk5OTk5OTk5OX0", as: "manager",
				status: 200, want: []string{`"version":2`, `"version":1`}},
			{name: "one version", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/1", as: "manager", status: 200,
				want: []string{`"version":1`, `"runs":2`, `"definition":{`, `"text":"first"`}},
			{name: "the published one", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/2", as: "manager", status: 200,
				want: []string{`"published":true`, `"text":"second"`}},
			{name: "an unknown version", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/3", as: "manager", status: 404},
			{name: "a malformed version", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/v1", as: "manager", status: 400},
			{name: "version zero", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/0", as: "manager", status: 400},
			{name: "a version past any number stored", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/99999999999", as: "manager", status: 404},
			{name: "a version past any number Go reads", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/99999999999999999999", as: "manager", status: 400},
			{name: "agents see no version", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/1", as: "agent", status: 403},
			{name: "a stranger's version", method: "GET", path: "/api/v1/workflows/{{wf}}/versions/1", as: "stranger", status: 404},
			{name: "an unknown workflow", method: "GET", path: "/api/v1/workflows/999999/versions/1", as: "manager", status: 404},
		})
	})
}
