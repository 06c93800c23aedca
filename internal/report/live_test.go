package report_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// customChannel adds a custom channel to the workspace and returns its id.
func customChannel(t testing.TB, d *db.DB, workspaceID int64) int64 {
	t.Helper()
	var id int64
	must(t, d.Write(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO channels (workspace_id, type, name, token, config, created_at)
			VALUES (?, 'custom', 'ch', 'token', '{"base_url":"http://127.0.0.1:1"}', ?) RETURNING id`, workspaceID, tx.Now()).Scan(&id)
	}))
	return id
}

// liveProjection returns what the live consumer does each time it is
// woken: project what the log holds from where it stopped.
func liveProjection(t *testing.T, d *db.DB, svc *report.Service) func() {
	var after int64
	return func() {
		t.Helper()
		ctx := context.Background()
		events, err := event.ListAll(ctx, d.Reader(), after, 10_000)
		must(t, err)
		if len(events) == 0 {
			return
		}
		must(t, d.Write(ctx, func(tx *db.Tx) error { return svc.Project(ctx, tx, events) }))
		after = events[len(events)-1].ID
	}
}

// expectRebuildMatches rebuilds the reports from the log and fails for
// each table whose rows differ from live (dumpReport's, taken before).
func expectRebuildMatches(t *testing.T, d *db.DB, svc *report.Service, live map[string][]string) {
	t.Helper()
	_, err := svc.Rebuild(context.Background())
	must(t, err)
	for table, rows := range dumpReport(t, d) {
		if !reflect.DeepEqual(rows, live[table]) {
			t.Errorf("%s differs from the rebuild:\n live %s\n rebuilt %s", table, firstDiff(live[table], rows), firstDiff(rows, live[table]))
		}
	}
}
