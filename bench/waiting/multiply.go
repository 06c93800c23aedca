package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, the same the server uses
)

// A sample of runs that reached their question through the real receive
// path is multiplied into many by copying its rows with SQL: copy k of a
// row whose id is i (sample ids are mark < i <= top) gets the id
// i + k*(top-mark), and every id it holds that points into the sample
// (a contact, a conversation, a message, an event, a run) moves by the
// same rule, in columns and inside JSON documents alike. Ids of shared
// things (the workspace, the channel, the workflow and its version, the
// lifecycle stage) are kept. So copy k of the sample is the sample again,
// as if its contacts had written in after everyone before them: the same
// rows, the same timestamps, the same texts, in new id ranges.
//
// Two values must differ because the schema makes them unique: a contact's
// identity on the channel (external_id) and a message's provider id get
// "~k" appended. The conversation counts follow by the schema's own
// triggers; the one other aggregate a sample row feeds,
// report_message_days, is multiplied; the event consumers' cursors move
// to the same place in the last copy as they had in the sample.

// space is a range of ids the sample owns in one table.
type space struct {
	table     string
	mark, top int64 // the sample's ids are (mark, top]
}

func (s space) span() int64 { return s.top - s.mark }

// spaces are the tables whose rows a waiting run and its conversation
// consist of, each with the ids it owns. The order is the copy order:
// a row is copied after the rows it references.
var spaceTables = []string{"contacts", "contact_identities", "conversations", "messages", "message_statuses",
	"outbound_jobs", "events", "workflow_runs", "workflow_run_steps"}

// idRefs names, for each table, the columns holding ids of another space
// (the table's own id column is "id" of its own space).
var idRefs = map[string]map[string]string{
	"contact_identities":    {"contact_id": "contacts"},
	"conversations":         {"contact_id": "contacts"},
	"messages":              {"conversation_id": "conversations", "contact_id": "contacts"},
	"message_statuses":      {"message_id": "messages"},
	"outbound_jobs":         {"message_id": "messages", "contact_id": "contacts"},
	"events":                {"conversation_id": "conversations", "contact_id": "contacts"},
	"workflow_runs":         {"contact_id": "contacts", "conversation_id": "conversations", "trigger_event_id": "events"},
	"workflow_run_steps":    {"run_id": "workflow_runs"},
	"report_conversations":  {"conversation_id": "conversations", "contact_id": "contacts", "last_event_id": "events"},
	"report_contacts":       {"contact_id": "contacts"},
	"report_workflow_runs":  {"run_id": "workflow_runs"},
	"report_workflow_steps": {"run_id": "workflow_runs"},
}

// keyRefs maps a JSON key found in a copied document to the space its
// number belongs to, wherever in the document it is.
var keyRefs = map[string]string{
	"contact_id":      "contacts",
	"conversation_id": "conversations",
	"message_id":      "messages",
	"event_id":        "events",
	"wait_after":      "events",
	"run_id":          "workflow_runs",
}

// jsonColumns are the JSON documents of copied rows that may hold ids.
var jsonColumns = map[string][]string{
	"events":             {"payload"},
	"workflow_runs":      {"data"},
	"workflow_run_steps": {"input"},
	"outbound_jobs":      {"parts"},
}

// reportTables are the projections keyed by a sample row, with the space
// of the row they follow (which decides which of their rows are the
// sample's).
var reportTables = map[string]struct{ key, space string }{
	"report_conversations":  {"conversation_id", "conversations"},
	"report_contacts":       {"contact_id", "contacts"},
	"report_workflow_runs":  {"run_id", "workflow_runs"},
	"report_workflow_steps": {"run_id", "workflow_runs"},
}

// Marks are the highest id of each copied table before the sample was
// sent: the demo's own rows, which are not copied.
type Marks map[string]int64

// OpenWritable opens the SQLite file at path for the copy, with the node
// stopped. Durability is left to the checkpoint at the end (synchronous
// OFF): a copy interrupted by a crash is a benchmark to start again.
func OpenWritable(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(OFF)")
	q.Add("_pragma", "cache_size(-262144)") // 256 MiB: index pages stay in memory while they grow
	d, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(1)
	return d, nil
}

// ReadMarks returns the highest id of each copied table.
func ReadMarks(ctx context.Context, d *sql.DB) (Marks, error) {
	m := Marks{}
	for _, t := range spaceTables {
		var top int64
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&top); err != nil {
			return nil, fmt.Errorf("waiting: max id of %s: %w", t, err)
		}
		m[t] = top
	}
	return m, nil
}

// Multiply turns the sample (the rows above marks) into factor copies of
// itself, the sample included, in one transaction.
func Multiply(ctx context.Context, d *sql.DB, marks Marks, factor int) error {
	if factor < 2 {
		return nil
	}
	spaces := map[string]space{}
	for _, t := range spaceTables {
		var top int64
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&top); err != nil {
			return fmt.Errorf("waiting: max id of %s: %w", t, err)
		}
		spaces[t] = space{table: t, mark: marks[t], top: top}
	}
	if spaces["workflow_runs"].span() == 0 {
		return fmt.Errorf("waiting: no sample runs to multiply")
	}
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE copies (k INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("waiting: copies: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?)
		INSERT INTO copies SELECT k FROM n`, factor-1); err != nil {
		return fmt.Errorf("waiting: copies: %w", err)
	}
	// The secondary indexes of the copied tables are dropped and built
	// again after the copy, from sorted keys, rather than grown one random
	// insert at a time; they come back as they were (a unique one checks
	// its rows again).
	var indexes []string
	for _, t := range append(slices.Clone(spaceTables), "report_conversations", "report_contacts", "report_workflow_runs", "report_workflow_steps") {
		defs, err := dropIndexes(ctx, tx, t)
		if err != nil {
			return err
		}
		indexes = append(indexes, defs...)
	}
	for _, t := range spaceTables {
		s := spaces[t]
		if s.span() == 0 {
			continue
		}
		if err := copyTable(ctx, tx, t, "id", s, spaces); err != nil {
			return err
		}
	}
	for t, r := range reportTables {
		if err := copyTable(ctx, tx, t, r.key, spaces[r.space], spaces); err != nil {
			return err
		}
	}
	began := time.Now()
	defer func() { slog.Info("indexes built", "took", time.Since(began).Round(time.Millisecond)) }()
	for _, def := range indexes {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("waiting: build %q again: %w", def, err)
		}
	}
	// Every row of report_message_days counts sample messages (the demo
	// has none): the copies are as many more.
	if _, err := tx.ExecContext(ctx, `UPDATE report_message_days SET messages = messages * ?`, factor); err != nil {
		return fmt.Errorf("waiting: report_message_days: %w", err)
	}
	// A consumer that had read into the sample has read as far into the
	// last copy: the events it passed over without a write (none of its
	// types) are copies of events it passed over in the sample. One still
	// before the sample stays there, as it would have.
	ev := spaces["events"]
	if _, err := tx.ExecContext(ctx, `UPDATE event_consumers SET last_id = last_id + ? WHERE last_id > ?`,
		int64(factor-1)*ev.span(), ev.mark); err != nil {
		return fmt.Errorf("waiting: event_consumers: %w", err)
	}
	return tx.Commit()
}

// copyTable inserts factor-1 copies of the sample rows of table, the rows
// whose key column lies in s. Rows are inserted in id order, copy after
// copy.
func copyTable(ctx context.Context, tx *sql.Tx, table, key string, s space, spaces map[string]space) error {
	cols, err := columns(ctx, tx, table)
	if err != nil {
		return err
	}
	shift := func(v, sp string) string {
		o := spaces[sp]
		// Only ids inside the sample move; 0 and NULL (none) stay.
		return fmt.Sprintf("CASE WHEN %[1]s > %[2]d AND %[1]s <= %[3]d THEN %[1]s + c.k * %[4]d ELSE %[1]s END",
			v, o.mark, o.top, o.span())
	}
	exprs := make([]string, len(cols))
	var joins []string
	for i, col := range cols {
		exprs[i] = "t." + col
		switch {
		case col == key:
			exprs[i] = shift("t."+col, s.table)
		case idRefs[table][col] != "":
			exprs[i] = shift("t."+col, idRefs[table][col])
		case table == "contact_identities" && col == "external_id",
			table == "messages" && col == "provider_message_id":
			exprs[i] = fmt.Sprintf("CASE WHEN t.%[1]s IS NULL THEN NULL ELSE t.%[1]s || '~' || c.k END", col)
		case slices.Contains(jsonColumns[table], col):
			e, join, err := jsonShift(ctx, tx, table, col, key, s, shift)
			if err != nil {
				return err
			}
			exprs[i] = e
			if join != "" {
				joins = append(joins, join)
			}
		}
	}
	began := time.Now()
	defer func() { slog.Info("copied", "table", table, "took", time.Since(began).Round(time.Millisecond)) }()
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s t %s, copies c WHERE t.%s > %d AND t.%s <= %d ORDER BY c.k, t.%s`,
		table, strings.Join(cols, ", "), strings.Join(exprs, ", "), table, strings.Join(joins, " "), key, s.mark, key, s.top, key)
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("waiting: copy %s: %w", table, err)
	}
	return nil
}

// jsonShift returns the expression that rewrites the ids inside the JSON
// column col of the sample's rows, at every path where the sample holds a
// key of keyRefs (found by reading the sample's documents), and the join
// it needs: the values at those paths are read once per sample row into a
// temporary table, so that each copy parses its document once, to write.
func jsonShift(ctx context.Context, tx *sql.Tx, table, col, key string, s space, shift func(v, sp string) string) (string, string, error) {
	keys := make([]string, 0, len(keyRefs))
	for k := range keyRefs {
		keys = append(keys, "'"+k+"'")
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT j.fullkey, j.key FROM %s t, json_tree(t.%s) j
		WHERE t.%s > ? AND t.%s <= ? AND json_valid(t.%s) AND j.key IN (%s) AND j.type = 'integer' ORDER BY 1`,
		table, col, key, key, col, strings.Join(keys, ", ")), s.mark, s.top)
	if err != nil {
		return "", "", fmt.Errorf("waiting: json keys of %s.%s: %w", table, col, err)
	}
	var paths, spacesOf []string
	for rows.Next() {
		var path, k string
		if err := rows.Scan(&path, &k); err != nil {
			rows.Close()
			return "", "", err
		}
		paths, spacesOf = append(paths, path), append(spacesOf, keyRefs[k])
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	e := "t." + col
	if len(paths) == 0 {
		return e, "", nil
	}
	tmp := "j_" + table + "_" + col
	extracts := make([]string, len(paths))
	args := make([]string, len(paths))
	for i, p := range paths {
		extracts[i] = fmt.Sprintf("json_extract(%s, '%s') AS v%d", col, p, i)
		args[i] = fmt.Sprintf("'%s', %s", p, shift(fmt.Sprintf("%s.v%d", tmp, i), spacesOf[i]))
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s AS SELECT %s AS key, %s FROM %s
		WHERE %s > ? AND %s <= ? AND json_valid(%s)`, tmp, key, strings.Join(extracts, ", "), table, key, key, col), s.mark, s.top); err != nil {
		return "", "", fmt.Errorf("waiting: json values of %s.%s: %w", table, col, err)
	}
	// json_replace changes only paths a document has, so one list of paths
	// serves documents that hold a part of them; a document that is not
	// JSON has no row in tmp and is copied as it is.
	expr := fmt.Sprintf("CASE WHEN %[3]s.key IS NULL THEN %[1]s ELSE json_replace(%[1]s, %[2]s) END", e, strings.Join(args, ", "), tmp)
	return expr, fmt.Sprintf("LEFT JOIN %[1]s ON %[1]s.key = t.%[2]s", tmp, key), nil
}

// dropIndexes drops the indexes of table that its schema declares with
// CREATE INDEX (not those of its primary key or UNIQUE constraints) and
// returns their definitions.
func dropIndexes(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, fmt.Errorf("waiting: drop index %s: %w", name, err)
		}
	}
	return defs, nil
}

// columns lists a table's columns in order.
func columns(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("waiting: no table %s", table)
	}
	return cols, rows.Err()
}
