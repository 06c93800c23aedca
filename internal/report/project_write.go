package report

// The projection's writes: what a pass changed, one multi-row statement
// per table when it ends, and the report days it made dirty.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// The projection's multi-row statements: their VALUES rows and what
// follows them.
var (
	insertContacts  = `INSERT INTO report_contacts (contact_id, workspace_id, created_local, is_test) VALUES `
	insertLifecycle = `INSERT INTO report_lifecycle (event_id, workspace_id, contact_id, stage, at_local) VALUES `
	insertRuns      = `INSERT INTO report_workflow_runs (run_id, workspace_id, workflow_id, started_local, ended_local, status, last_step) VALUES `
	insertSteps     = `INSERT INTO report_workflow_steps (run_id, step, workspace_id, workflow_id) VALUES `
	insertResponses = `INSERT INTO report_responses (event_id, workspace_id, conversation_id, user_id, at_local, response_ms, response_bh_ms) VALUES `
	insertDays      = `INSERT INTO report_message_days (workspace_id, day, channel_id, direction, sender, user_id, team_id, messages) VALUES `
)

// flush writes what the pass changed, a multi-row statement per table,
// in the order the per-event statements used to run (the response days
// markFacts reads include the pass's responses).
func (b *batch) flush(ctx context.Context) error {
	tx := b.tx
	if err := db.InsertRows(ctx, tx, len(b.contacts), insertContacts, "(?, ?, ?, ?)", ` ON CONFLICT (contact_id) DO NOTHING`, func(i int) []any {
		c := b.contacts[i]
		return []any{c.contactID, c.workspaceID, c.local, c.test}
	}); err != nil {
		return fmt.Errorf("report: contacts: %w", err)
	}
	if err := db.InsertRows(ctx, tx, len(b.lifecycle), insertLifecycle, "(?, ?, ?, ?, ?)", ` ON CONFLICT (event_id) DO NOTHING`, func(i int) []any {
		l := b.lifecycle[i]
		return []any{l.eventID, l.workspaceID, l.contactID, l.stage, l.local}
	}); err != nil {
		return fmt.Errorf("report: lifecycle: %w", err)
	}
	if err := b.flushMerges(ctx); err != nil {
		return err
	}
	if err := db.InsertRows(ctx, tx, len(b.runOrder), insertRuns, "(?, ?, ?, ?, ?, ?, ?)",
		` ON CONFLICT (run_id) DO UPDATE SET ended_local = excluded.ended_local, status = excluded.status, last_step = excluded.last_step`,
		func(i int) []any {
			id := b.runOrder[i]
			r := b.runs[id]
			return []any{id, r.workspaceID, r.workflowID, r.startedLocal, r.endedLocal, r.status, r.lastStep}
		}); err != nil {
		return fmt.Errorf("report: workflow runs: %w", err)
	}
	if err := db.InsertRows(ctx, tx, len(b.steps), insertSteps, "(?, ?, ?, ?)", ` ON CONFLICT (run_id, step) DO NOTHING`, func(i int) []any {
		s := b.steps[i]
		return []any{s.runID, s.step, s.workspaceID, s.workflowID}
	}); err != nil {
		return fmt.Errorf("report: workflow steps: %w", err)
	}
	if err := db.InsertRows(ctx, tx, len(b.responses), insertResponses, "(?, ?, ?, ?, ?, ?, ?)", ` ON CONFLICT (event_id) DO NOTHING`, func(i int) []any {
		r := b.responses[i]
		return []any{r.eventID, r.workspaceID, r.conversationID, r.userID, r.local, r.wait, r.waitBH}
	}); err != nil {
		return fmt.Errorf("report: responses: %w", err)
	}
	if err := b.writeFacts(ctx); err != nil {
		return err
	}
	if err := b.markFacts(ctx); err != nil {
		return err
	}
	days := make([]dayKey, 0, len(b.days))
	for k := range b.days {
		days = append(days, k)
	}
	slices.SortFunc(days, func(x, y dayKey) int {
		return cmp.Or(cmp.Compare(x.workspaceID, y.workspaceID), cmp.Compare(x.day, y.day), cmp.Compare(x.channelID, y.channelID),
			cmp.Compare(x.direction, y.direction), cmp.Compare(x.sender, y.sender), cmp.Compare(x.userID, y.userID), cmp.Compare(x.teamID, y.teamID))
	})
	if err := db.InsertRows(ctx, tx, len(days), insertDays, "(?, ?, ?, ?, ?, ?, ?, ?)",
		` ON CONFLICT (workspace_id, day, channel_id, direction, sender, user_id, team_id) DO UPDATE SET messages = report_message_days.messages + excluded.messages`,
		func(i int) []any {
			k := days[i]
			return []any{k.workspaceID, k.day, k.channelID, k.direction, k.sender, k.userID, k.teamID, b.days[k]}
		}); err != nil {
		return fmt.Errorf("report: message days: %w", err)
	}
	return nil
}

// flushMerges moves the contact rows of the pass's merges as a rebuild
// would write them: the kept contact's row with the earlier creation of
// the two (the first contact.created of either, which names it now), the
// merged contact's row gone, its lifecycle changes the kept one's.
func (b *batch) flushMerges(ctx context.Context) error {
	for _, m := range b.merges {
		from, into := m[0], m[1]
		for _, st := range []struct {
			query string
			args  []any
		}{
			{`UPDATE report_contacts SET contact_id = ? WHERE contact_id = ? AND NOT EXISTS (SELECT 1 FROM report_contacts WHERE contact_id = ?)`,
				[]any{into, from, into}},
			{`UPDATE report_contacts SET created_local = (SELECT MIN(created_local) FROM report_contacts WHERE contact_id IN (?, ?)) WHERE contact_id = ?`,
				[]any{from, into, into}},
			{`DELETE FROM report_contacts WHERE contact_id = ?`, []any{from}},
			{`UPDATE report_lifecycle SET contact_id = ? WHERE contact_id = ?`, []any{into, from}},
		} {
			if _, err := b.tx.Exec(ctx, st.query, st.args...); err != nil {
				return fmt.Errorf("report: merge contact %d into %d: %w", from, into, err)
			}
		}
	}
	return nil
}

// run applies a workflow event to the pass's runs (written at flush).

func splitCols(cols string) []string {
	var out []string
	for _, c := range strings.Split(cols, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// markFacts marks dirty the days whose segments hold a fact this batch
// changed: each kind's day of the conversation, before and after, and
// the days of its responses when a field they are filtered on changed.
func (b *batch) markFacts(ctx context.Context) error {
	var moved []int64 // conversations whose responses' days are dirty too
	for _, id := range b.order {
		f := b.facts[id]
		o, loaded := b.orig[id]
		if loaded && reflectEqual(&o, f) {
			continue
		}
		for _, g := range []*fact{f, &o} {
			if g == &o && !loaded {
				continue
			}
			b.dirty[[2]int64{g.WorkspaceID, g.OpenedLocal / dayMs}] = true
			for _, at := range [][2]int64{{g.FirstAssignedAt, g.FirstAssignedLocal}, {g.FirstResponseAt, g.FirstResponseLocal},
				{g.ClosedAt, g.ClosedLocal}} {
				if at[0] != 0 {
					b.dirty[[2]int64{g.WorkspaceID, at[1] / dayMs}] = true
				}
			}
		}
		if !loaded || o.Responses == 0 || (o.TeamID == f.TeamID && o.ChannelID == f.ChannelID && o.OpenedSource == f.OpenedSource &&
			o.ClosedSource == f.ClosedSource && o.Category == f.Category) {
			continue
		}
		moved = append(moved, id)
	}
	err := db.QueryIn(ctx, b.tx, `SELECT DISTINCT conversation_id, at_local / 86400000 FROM report_responses WHERE conversation_id IN `, "", moved, nil,
		func(r *sql.Rows) error {
			var id, day int64
			if err := r.Scan(&id, &day); err != nil {
				return err
			}
			b.dirty[[2]int64{b.facts[id].WorkspaceID, day}] = true
			return nil
		})
	if err != nil {
		return fmt.Errorf("report: response days: %w", err)
	}
	return markDirty(ctx, b.tx, b.dirty)
}

// reflectEqual reports whether two facts hold the same values (the
// event id they remember aside).
