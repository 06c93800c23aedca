package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/contact"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/page"
)

func init() { registerTrigger("schedule", func() triggerImpl { return &scheduleTrigger{} }) }

// scheduleTrigger starts a run for every contact matching a filter each
// time a cron expression fires (in a time zone, default the workspace's).
type scheduleTrigger struct {
	Cron     string        `json:"cron"`
	Timezone string        `json:"timezone,omitempty"`
	Contacts contactFilter `json:"contacts,omitzero"`
}

// contactFilter chooses the contacts a schedule runs for.
type contactFilter struct {
	Tag       string `json:"tag,omitempty"`
	Lifecycle string `json:"lifecycle,omitempty"`
	Limit     int    `json:"limit,omitempty"` // default and maximum 10000 per firing
}

func (t *scheduleTrigger) check(c *checker) {
	if spec, err := parseCron(t.Cron); err != nil {
		c.add("trigger.conditions.cron", "%v", err)
	} else if spec.next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		// next looks five years ahead, which from 2000 holds every month
		// and a leap day: one that finds nothing never will.
		c.add("trigger.conditions.cron", "it names no date that exists (such as the 30th of February): it would never fire")
	}
	if t.Timezone != "" {
		if _, err := clock.Zone(t.Timezone); err != nil {
			c.add("trigger.conditions.timezone", "unknown time zone %q", t.Timezone)
		}
	}
	if t.Contacts.Limit < 0 || t.Contacts.Limit > 10000 {
		c.add("trigger.conditions.contacts.limit", "must be between 1 and 10000")
	}
	// The tag filters contacts when the schedule fires: one that no tag
	// can be would fail every firing, so it is refused on save.
	c.text("trigger.conditions.contacts.tag", t.Contacts.Tag, contact.MaxTagLen)
}

func (t *scheduleTrigger) on() event.Type { return "" }
func (t *scheduleTrigger) match(context.Context, *db.Tx, event.Event) (map[string]any, bool, error) {
	return nil, false, nil
}

// after is the schedule's next firing after now (Unix ms; 0 if never), in
// its own time zone, else in workspace (the workspace's).
func (t *scheduleTrigger) after(now int64, workspace *time.Location) int64 {
	spec, err := parseCron(t.Cron)
	if err != nil {
		return 0
	}
	loc := workspace
	if l, err := clock.Zone(t.Timezone); err == nil {
		loc = l
	}
	return db.Millis(spec.next(db.Time(now).In(loc)))
}

// nextFire is a definition's next scheduled firing (0 unless it has a
// schedule trigger) in workspace's time zone, read with q.
func nextFire(ctx context.Context, q db.Querier, workspaceID int64, d Definition, now int64) (int64, error) {
	if d.Trigger.Type != "schedule" {
		return 0, nil
	}
	var t scheduleTrigger
	if err := decodeSettings(d.Trigger.Conditions, &t); err != nil {
		return 0, err
	}
	loc, err := workspaceZone(ctx, q, workspaceID)
	if err != nil {
		return 0, err
	}
	return t.after(now, loc), nil
}

// workspaceZone is the workspace's time zone, in which a schedule without
// one of its own fires, as the Date & Time step and {{system.*}} tell the
// time in it (UTC when the name is unknown).
func workspaceZone(ctx context.Context, q db.Querier, workspaceID int64) (*time.Location, error) {
	var name string
	if err := q.QueryRow(ctx, `SELECT timezone FROM workspaces WHERE id = ?`, workspaceID).Scan(&name); err != nil {
		return nil, fmt.Errorf("workflow: the workspace's time zone: %w", err)
	}
	loc, err := clock.Zone(name)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

// fireSchedules starts the runs of every schedule that is due, and moves
// each to its next firing in the same transaction, so a firing happens
// once even with several nodes (SKIP LOCKED) or a crash.
func (e *Engine) fireSchedules(ctx context.Context) error {
	now := db.Millis(e.now())
	var due int
	if err := e.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM workflows WHERE next_fire_at > 0 AND next_fire_at <= ? AND active = 1`,
		now).Scan(&due); err != nil || due == 0 {
		return err // nothing due: no write transaction
	}
	return e.tx(ctx, func(tx *db.Tx) error {
		q := `SELECT id, workspace_id, published_version, next_fire_at FROM workflows WHERE next_fire_at > 0 AND next_fire_at <= ? AND active = 1`
		if tx.Dialect() == db.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.Query(ctx, q, now)
		if err != nil {
			return err
		}
		type due struct {
			id, ws  int64
			version int
			at      int64
		}
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.ws, &d.version, &d.at); err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		for _, w := range list {
			def, err := e.svc.version(ctx, tx, w.id, w.version)
			if err != nil {
				return err
			}
			var t scheduleTrigger
			if err := decodeSettings(def.Trigger.Conditions, &t); err != nil {
				return err
			}
			// The runs it started are due now: insertRun told the timers.
			if _, err := e.startScheduled(ctx, tx, w.id, w.ws, w.version, def, t, w.at, now); err != nil {
				return err
			}
			loc, err := workspaceZone(ctx, tx, w.ws)
			if err != nil {
				return err
			}
			next := t.after(now, loc)
			if _, err := tx.Exec(ctx, `UPDATE workflows SET next_fire_at = ? WHERE id = ?`, next, w.id); err != nil {
				return err
			}
			tx.Due(DueKind, next)
		}
		return nil
	})
}

func (e *Engine) startScheduled(ctx context.Context, tx *db.Tx, id, ws int64, version int, def *Definition, t scheduleTrigger, at, now int64) (int, error) {
	limit := t.Contacts.Limit
	if limit == 0 {
		limit = 10000
	}
	n := 0
	req := page.Request{Limit: page.MaxLimit}
	for n < limit {
		pg, err := contact.New(e.db).List(ctx, access.System(ws), contact.ListFilter{Tag: t.Contacts.Tag}, req)
		if err != nil || len(pg.Data) == 0 {
			return n, err
		}
		for _, c := range pg.Data {
			if (t.Contacts.Lifecycle != "" && c.LifecycleStage != t.Contacts.Lifecycle) || n >= limit {
				continue
			}
			conv, err := conversation.OpenOfTx(ctx, tx, ws, c.ID)
			if err != nil {
				return n, err
			}
			trigger := map[string]any{"type": "schedule", "fired_at": db.Time(at).Format(time.RFC3339)}
			rid, err := insertRun(ctx, tx, newRun{workspaceID: ws, workflowID: id, version: version, step: def.first(),
				contactID: c.ID, conversationID: conv.ID, trigger: trigger, oncePerContact: def.Trigger.OncePerContact}, now)
			if err != nil {
				return n, err
			}
			if rid != 0 {
				n++
			}
		}
		var more bool
		if req, more = page.Next(req, pg, page.OrderID); !more {
			break
		}
	}
	return n, nil
}
