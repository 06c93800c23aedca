package report

// The projection's reads: every stored row a pass will look at, fetched
// before it applies its events, in a few statements (see batch).

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
)

// prefetch reads, in a few statements, every stored row the events'
// apply will look at.
func (b *batch) prefetch(ctx context.Context, events []event.Event, payloads []payload) error {
	var convs, contacts, opening, runs, started, merged []int64
	seen := map[[2]int64]bool{} // (what, id): ids listed once
	add := func(list *[]int64, what, id int64) {
		if k := [2]int64{what, id}; !seen[k] {
			seen[k] = true
			*list = append(*list, id)
		}
	}
	for i, e := range events {
		p := payloads[i]
		switch {
		case e.Type == event.ContactCreated:
			add(&contacts, 0, e.ContactID)
		case e.Type == event.ContactMerged:
			add(&merged, 5, e.ContactID)
			add(&merged, 5, p.MergedContactID)
		case e.Type == event.WorkflowRunStarted || e.Type == event.WorkflowStep || e.Type == event.WorkflowRunEnded:
			if p.RunID != 0 {
				add(&runs, 1, p.RunID)
				if e.Type == event.WorkflowRunStarted {
					add(&started, 2, p.RunID)
				}
			}
		case needsFact(e):
			add(&convs, 3, e.ConversationID)
			if e.Type == event.ConversationOpened {
				add(&contacts, 0, e.ContactID)
				add(&opening, 4, e.ContactID)
				b.latestOpen = max(b.latestOpen, e.CreatedAt.UnixMilli())
			}
		}
	}
	b.stored = make(map[int64]fact, len(convs))
	err := db.QueryIn(ctx, b.tx, `SELECT `+factColumns+` FROM report_conversations WHERE conversation_id IN `, "", convs, nil, func(r *sql.Rows) error {
		var f fact
		if err := r.Scan(f.fields()...); err != nil {
			return err
		}
		b.stored[f.ConversationID] = f
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: read facts: %w", err)
	}
	// Every fact of the contacts a merge joins: it moves and recounts them.
	b.ofContact = map[int64][]int64{}
	err = db.QueryIn(ctx, b.tx, `SELECT `+factColumns+` FROM report_conversations WHERE contact_id IN `, "", merged, nil, func(r *sql.Rows) error {
		var f fact
		if err := r.Scan(f.fields()...); err != nil {
			return err
		}
		b.stored[f.ConversationID] = f
		b.ofContact[f.ContactID] = append(b.ofContact[f.ContactID], f.ConversationID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: read merged contacts' facts: %w", err)
	}
	b.testContact = map[int64]bool{}
	err = db.QueryIn(ctx, b.tx, `SELECT id, is_test FROM contacts WHERE id IN `, "", contacts, nil, func(r *sql.Rows) error {
		var id, test int64
		err := r.Scan(&id, &test)
		b.testContact[id] = test != 0
		return err
	})
	if err != nil {
		return fmt.Errorf("report: read test contacts: %w", err)
	}
	b.lastClosed = map[int64]int64{}
	err = db.QueryIn(ctx, b.tx, `SELECT contact_id, MAX(closed_at) FROM report_conversations WHERE closed_at > 0 AND closed_at <= ? AND contact_id IN `,
		` GROUP BY contact_id`, opening, []any{b.latestOpen}, func(r *sql.Rows) error {
			var id int64
			var at sql.NullInt64
			err := r.Scan(&id, &at)
			b.lastClosed[id] = at.Int64
			return err
		})
	if err != nil {
		return fmt.Errorf("report: read closed conversations: %w", err)
	}
	b.testRun = map[int64]bool{}
	err = db.QueryIn(ctx, b.tx, `SELECT id, is_test FROM workflow_runs WHERE id IN `, "", started, nil, func(r *sql.Rows) error {
		var id, test int64
		err := r.Scan(&id, &test)
		b.testRun[id] = test != 0
		return err
	})
	if err != nil {
		return fmt.Errorf("report: read test runs: %w", err)
	}
	b.runs = map[int64]*runRow{}
	err = db.QueryIn(ctx, b.tx, `SELECT run_id, workspace_id, workflow_id, started_local, ended_local, status, last_step FROM report_workflow_runs
		WHERE run_id IN `, "", runs, nil, func(r *sql.Rows) error {
		var id int64
		var w runRow
		if err := r.Scan(&id, &w.workspaceID, &w.workflowID, &w.startedLocal, &w.endedLocal, &w.status, &w.lastStep); err != nil {
			return err
		}
		b.runs[id] = &w
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: read runs: %w", err)
	}
	return nil
}
