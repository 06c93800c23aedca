package report

// Writing a pass's facts: only the columns that changed, by group.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// factGroups are report_conversations' columns in the groups a pass
// writes together. Each value bound costs the SQLite driver a call into
// the engine (about a fifth of a microsecond: measured, it was half the
// cost of inserting a fact), and a pass changes a few columns of each
// fact: a message its counters, an assignment its routing columns. So a
// fact is written with the groups that changed, a new one with its
// opening and whatever else is set; the columns left out keep their
// stored value, or take the table's default, which is the zero value of
// every column outside the opening group. Groups, not single columns,
// keep the statement texts few (at most 16 sets, each in a few chunk
// sizes), so the statement cache keeps them prepared.
var factGroups = [...][]string{
	// Always written: the key, and what nearly every event changes.
	{"conversation_id", "messages_in", "messages_out", "waiting_since", "last_event_id"},
	// Opening: set once, when the fact is first written.
	{"workspace_id", "contact_id", "channel_id", "opened_at", "opened_local", "opened_source", "reopen", "is_test"},
	// Routing.
	{"team_id", "assignee_id", "queued_at", "first_assigned_at", "first_assigned_local", "first_assignee_id", "strategy",
		"time_to_assign_ms", "queue_wait_ms", "reassignments"},
	// Responses.
	{"first_response_at", "first_response_local", "first_responder_id", "first_response_ms", "first_response_bh_ms",
		"assign_response_ms", "responses", "response_ms_total"},
	// Closing.
	{"closed_at", "closed_local", "closed_source", "category", "resolution_ms", "resolution_bh_ms"},
}

// openingGroup is the group a fact's first write always holds: some of
// its columns have no default (requiredColumns).
const openingGroup = 1

// factGroupIndex is, for each group, the positions of its columns in
// factColumns (the order of fact.values).
var factGroupIndex = func() [len(factGroups)][]int {
	pos := map[string]int{}
	for i, c := range splitCols(factColumns) {
		pos[c] = i
	}
	var out [len(factGroups)][]int
	seen := 0
	for g, cols := range factGroups {
		for _, c := range cols {
			i, ok := pos[c]
			if !ok {
				panic("report: fact group column " + c + " is not a fact column")
			}
			out[g] = append(out[g], i)
			seen++
		}
	}
	if seen != len(pos) {
		panic(fmt.Sprintf("report: fact groups hold %d columns, facts have %d", seen, len(pos)))
	}
	return out
}()

// factWrite is one statement's worth of facts: those whose changed
// groups are the same set.
type factWrite struct {
	groups uint8 // bit g: factGroups[g] is written
	rows   [][]any
}

// writeFacts writes the pass's facts, each with the groups of columns
// that differ from the stored row (or, for a new fact, from the
// defaults). A fact that did not change at all is not written.
func (b *batch) writeFacts(ctx context.Context) error {
	var writes []*factWrite
	bySet := map[uint8]*factWrite{}
	for _, id := range b.order {
		f := b.facts[id]
		var was fact // a new fact is compared with the defaults
		groups := uint8(1 | 1<<openingGroup)
		if o, loaded := b.orig[id]; loaded {
			was, groups = o, 0
		}
		// Compared through the fields' pointers: boxing every value of
		// both facts would allocate on the writer for each fact.
		nowF, wasF := f.fields(), was.fields()
		for g, cols := range factGroupIndex {
			for _, i := range cols {
				if !sameField(nowF[i], wasF[i]) {
					groups |= 1 << g
					break
				}
			}
		}
		if groups == 0 {
			continue
		}
		now := f.values()
		groups |= 1 // the key
		w := bySet[groups]
		if w == nil {
			w = &factWrite{groups: groups}
			bySet[groups] = w
			writes = append(writes, w)
		}
		row := make([]any, 0, len(factStatements[groups].columns))
		for _, i := range factStatements[groups].columns {
			row = append(row, now[i])
		}
		w.rows = append(w.rows, row)
	}
	for _, w := range writes {
		st := &factStatements[w.groups]
		if err := db.InsertRows(ctx, b.tx, len(w.rows), st.prefix, st.row, st.suffix, func(i int) []any { return w.rows[i] }); err != nil {
			return fmt.Errorf("report: facts: %w", err)
		}
	}
	return nil
}

// factStatements is, for each set of groups, the multi-row upsert that
// writes them and the positions in fact.values of the columns it binds
// (built once: a pass would otherwise build its texts again). The
// columns without a default are bound even when their group is not
// written: SQLite checks NOT NULL on the row an upsert proposes before
// it finds the conflict. They are only set when their group is, since
// an index whose column is set is rewritten, whatever the value.
var factStatements = func() (out [1 << len(factGroups)]struct {
	prefix, row, suffix string
	columns             []int
}) {
	names := splitCols(factColumns)
	for groups := range out {
		if groups&1 == 0 {
			continue // the key is in every write
		}
		var cols, set []string
		var pos []int
		add := func(i int, isSet bool) {
			cols, pos = append(cols, names[i]), append(pos, i)
			if isSet && len(cols) > 1 {
				set = append(set, names[i]+" = excluded."+names[i])
			}
		}
		for g, idx := range factGroupIndex {
			written := groups&(1<<g) != 0
			for _, i := range idx {
				if written || g == openingGroup && requiredColumns[names[i]] {
					add(i, written)
				}
			}
		}
		out[groups].prefix = `INSERT INTO report_conversations (` + strings.Join(cols, ", ") + `) VALUES `
		out[groups].row = "(?" + repeat(", ?", len(cols)-1) + ")"
		out[groups].suffix = ` ON CONFLICT (conversation_id) DO UPDATE SET ` + strings.Join(set, ", ")
		out[groups].columns = pos
	}
	return out
}()

// sameField reports whether two of fact.fields' pointers, to the same
// field of two facts, point to equal values.
func sameField(a, b any) bool {
	switch a := a.(type) {
	case *int64:
		return *a == *b.(*int64)
	case *string:
		return *a == *b.(*string)
	case *sql.NullInt64:
		return *a == *b.(*sql.NullInt64)
	}
	panic(fmt.Sprintf("report: a fact field of type %T", a))
}

// requiredColumns are the opening group's columns without a default.
var requiredColumns = map[string]bool{"workspace_id": true, "opened_at": true, "opened_local": true}
