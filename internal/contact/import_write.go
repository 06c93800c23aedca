package contact

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// The writing side of an import: a batch of checked rows matched to the
// workspace's contacts by phone, else email, then created or updated.

// lookup finds, among the contacts of the workspace, those with the
// batch's phones and emails.
func lookup(ctx context.Context, q db.Querier, ws int64, batch []importRow) (map[string]int64, map[string]int64, error) {
	phones, emails := map[string]int64{}, map[string]int64{}
	for _, col := range []struct {
		name string
		m    map[string]int64
	}{{"phone", phones}, {"email", emails}} {
		var vals []string
		for _, r := range batch {
			if v := r.std[col.name]; v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		in, args := db.In(vals)
		rows, err := q.Query(ctx, `SELECT id, `+col.name+` FROM contacts WHERE workspace_id = ? AND `+col.name+` IN `+in,
			append([]any{ws}, args...)...)
		if err != nil {
			return nil, nil, fmt.Errorf("contact: import: lookup: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, nil, err
			}
			col.m[v] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return phones, emails, nil
}

// match returns the contact a row updates (0: a new one), or the reason
// the row cannot be applied.
func match(r importRow, phones, emails map[string]int64) (int64, string) {
	byPhone, byEmail := phones[r.std["phone"]], emails[r.std["email"]]
	if r.std["phone"] == "" {
		byPhone = 0
	}
	if r.std["email"] == "" {
		byEmail = 0
	}
	if byPhone != 0 && byEmail != 0 && byPhone != byEmail {
		return 0, fmt.Sprintf("the phone belongs to %s and the email to %s", contactName(byPhone), contactName(byEmail))
	}
	if byPhone != 0 {
		return byPhone, ""
	}
	return byEmail, ""
}

// contactName names a matched contact in a row's error: a contact of the
// workspace, or (a dry run's negative id) the one an earlier line would
// create.
func contactName(id int64) string {
	if id < 0 {
		return fmt.Sprintf("the contact of line %d", -id)
	}
	return fmt.Sprintf("contact %d", id)
}

// errUnseen is the reason of a row whose phone or email is a contact the
// importer may not see: it is left as it is, as POST /contacts/upsert
// answers such a contact 404 rather than change it.
const errUnseen = "no contact you may see has this phone or email"

// unseen returns, for a restricted principal, the matched contacts it may
// not see (nil for an unrestricted one: it sees them all).
func (im *importer) unseen(ctx context.Context, q db.Querier, phones, emails map[string]int64) (map[int64]bool, error) {
	if im.p.Unrestricted() {
		return nil, nil
	}
	var ids []int64
	for _, m := range []map[string]int64{phones, emails} {
		for _, id := range m {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := db.In(ids)
	scope, scopeArgs := im.p.ContactScope("c")
	hidden, err := db.QueryIDs(ctx, q, `SELECT c.id FROM contacts c WHERE c.workspace_id = ? AND c.id IN `+in+` AND NOT `+scope,
		append(append([]any{im.ws}, args...), scopeArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("contact: import: visibility: %w", err)
	}
	out := make(map[int64]bool, len(hidden))
	for _, id := range hidden {
		out[id] = true
	}
	return out, nil
}

// hides reports whether the row's phone or email is a contact in unseen.
func hides(r importRow, phones, emails map[string]int64, unseen map[int64]bool) bool {
	return (r.std["phone"] != "" && unseen[phones[r.std["phone"]]]) || (r.std["email"] != "" && unseen[emails[r.std["email"]]])
}

// dryRunBatch counts what writeBatch would do. seen holds, across the
// batches of the file, the contact each phone ("p:…") and email ("e:…")
// of an earlier row went to, a contact the dry run would create being
// minus the line of the row that creates it: rows match them as the
// import matches the contacts its earlier rows wrote.
func (s *Service) dryRunBatch(ctx context.Context, im *importer, batch []importRow, seen map[string]int64) (created, updated int, bad []ImportRowError, err error) {
	phones, emails, err := lookup(ctx, s.db.Reader(), im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	unseen, err := im.unseen(ctx, s.db.Reader(), phones, emails)
	if err != nil {
		return 0, 0, nil, err
	}
	for _, r := range batch {
		if hides(r, phones, emails, unseen) {
			bad = append(bad, ImportRowError{Line: r.line, Reason: errUnseen})
			continue
		}
		p, e := r.std["phone"], r.std["email"]
		if id, ok := seen["p:"+p]; ok && p != "" {
			phones[p] = id
		}
		if id, ok := seen["e:"+e]; ok && e != "" {
			emails[e] = id
		}
		id, why := match(r, phones, emails)
		if why != "" {
			bad = append(bad, ImportRowError{Line: r.line, Reason: why})
			continue
		}
		if id != 0 {
			updated++
		} else {
			created++
			id = -int64(r.line)
		}
		if p != "" {
			phones[p], seen["p:"+p] = id, id
		}
		if e != "" {
			emails[e], seen["e:"+e] = id, id
		}
	}
	return created, updated, bad, nil
}

// writeBatch creates or updates the batch's contacts inside tx.
func (im *importer) writeBatch(ctx context.Context, tx *db.Tx, batch []importRow) (created, updated int, bad []ImportRowError, err error) {
	phones, emails, err := lookup(ctx, tx, im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	unseen, err := im.unseen(ctx, tx, phones, emails)
	if err != nil {
		return 0, 0, nil, err
	}
	// The rows name stages read before the first batch, and a stage may
	// have been deleted, or another made the default, since: a stage is
	// changed only by exclusive writes, which run between two batches.
	// The stages are read again in this batch's transaction, so no
	// contact names a deleted one (PostgreSQL has no foreign key to
	// refuse it since migration 046; SQLite's would fail the batch).
	current, err := readStages(ctx, tx, im.ws)
	if err != nil {
		return 0, 0, nil, err
	}
	now := tx.Now()
	type fieldVal struct {
		contact, field int64
		value          string
	}
	var vals []fieldVal
	tagNames := map[string]bool{}
	type tagRow struct {
		contact int64
		tag     string
	}
	var tags []tagRow
	stage := func(r importRow) any {
		if r.stage != 0 {
			return r.stage
		}
		return nullID(current.def)
	}
	for _, r := range batch {
		if _, ok := current.names[r.stage]; r.stage != 0 && !ok {
			bad = append(bad, ImportRowError{Line: r.line, Reason: fmt.Sprintf("lifecycle stage %q was deleted during the import", limit.Clip(im.stages.names[r.stage], 50))})
			continue
		}
		if hides(r, phones, emails, unseen) {
			bad = append(bad, ImportRowError{Line: r.line, Reason: errUnseen})
			continue
		}
		id, why := match(r, phones, emails)
		if why != "" {
			bad = append(bad, ImportRowError{Line: r.line, Reason: why})
			continue
		}
		if id == 0 {
			first := r.std["first_name"]
			if first == "" {
				first = r.std["phone"]
			}
			if first == "" {
				first = r.std["email"]
			}
			err = tx.QueryRow(ctx, `INSERT INTO contacts (workspace_id, first_name, last_name, phone, email, language, country, avatar_url,
				lifecycle_stage_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?) RETURNING id`,
				im.ws, first, r.std["last_name"], nullStr(r.std["phone"]), nullStr(r.std["email"]), r.std["language"], r.std["country"],
				stage(r), now, now).Scan(&id)
			if err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: line %d: %w", r.line, err)
			}
			created++
		} else {
			sets, args := []string{}, []any{}
			for _, k := range []string{"first_name", "last_name", "phone", "email", "language", "country"} {
				if v, ok := r.std[k]; ok {
					sets = append(sets, k+" = ?")
					args = append(args, v)
				}
			}
			if r.stage != 0 {
				sets = append(sets, "lifecycle_stage_id = ?")
				args = append(args, r.stage)
			}
			sets = append(sets, "updated_at = ?")
			args = append(args, now, id)
			if _, err := tx.Exec(ctx, `UPDATE contacts SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...); err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: line %d: %w", r.line, err)
			}
			updated++
		}
		if p := r.std["phone"]; p != "" {
			phones[p] = id
		}
		if e := r.std["email"]; e != "" {
			emails[e] = id
		}
		for f, v := range r.fields {
			vals = append(vals, fieldVal{id, f, v})
		}
		for _, t := range r.tags {
			tagNames[t] = true
			tags = append(tags, tagRow{id, t})
		}
	}
	// Custom field values and tags, many rows per statement; a contact met
	// twice in the batch keeps its last value (PostgreSQL refuses to update
	// one row twice in a statement).
	last := map[[2]int64]int{}
	for i, v := range vals {
		last[[2]int64{v.contact, v.field}] = i
	}
	dedup := vals[:0]
	for i, v := range vals {
		if last[[2]int64{v.contact, v.field}] == i {
			dedup = append(dedup, v)
		}
	}
	vals = dedup
	const chunk = 300
	for i := 0; i < len(vals); i += chunk {
		part := vals[i:min(i+chunk, len(vals))]
		args := make([]any, 0, 3*len(part))
		for _, v := range part {
			args = append(args, v.contact, v.field, v.value)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact_field_values (contact_id, field_id, value) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ")+
			` ON CONFLICT (contact_id, field_id) DO UPDATE SET value = excluded.value`, args...); err != nil {
			return 0, 0, nil, fmt.Errorf("contact: import: fields: %w", err)
		}
	}
	if len(tags) > 0 {
		ids := map[string]int64{}
		for name := range tagNames {
			var id int64
			err := tx.QueryRow(ctx, `SELECT id FROM tags WHERE workspace_id = ? AND name = ?`, im.ws, name).Scan(&id)
			if err != nil {
				err = tx.QueryRow(ctx, `INSERT INTO tags (workspace_id, name, created_at) VALUES (?, ?, ?) RETURNING id`, im.ws, name, now).Scan(&id)
			}
			if err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: tag %q: %w", name, err)
			}
			ids[name] = id
		}
		for i := 0; i < len(tags); i += chunk {
			part := tags[i:min(i+chunk, len(tags))]
			args := make([]any, 0, 2*len(part))
			for _, t := range part {
				args = append(args, t.contact, ids[t.tag])
			}
			if _, err := tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")+` ON CONFLICT DO NOTHING`, args...); err != nil {
				return 0, 0, nil, fmt.Errorf("contact: import: tags: %w", err)
			}
		}
	}
	return created, updated, bad, nil
}
