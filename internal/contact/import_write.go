package contact

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// The writing side of an import: a batch of checked rows matched to the
// workspace's contacts by id, else phone, else email, then created or
// updated.

// holders say which contact holds each phone and email, and what each
// contact holds, as the store has them and the rows applied so far leave
// them: a row matches what earlier rows set, and a phone or email a row
// replaced is nobody's, in the same batch as in the next.
type holders struct {
	phones, emails map[string]int64 // value → contact; 0: nobody (a row took it away)
	held           map[int64]held   // contact → its phone and email; each contact met is here
}

type held struct{ phone, email string }

func newHolders() *holders {
	return &holders{phones: map[string]int64{}, emails: map[string]int64{}, held: map[int64]held{}}
}

// add records a contact as the store has it.
func (h *holders) add(id int64, phone, email string) {
	if phone != "" {
		h.phones[phone] = id
	}
	if email != "" {
		h.emails[email] = id
	}
	h.held[id] = held{phone, email}
}

// set records that row r was applied to contact id: the phone and email
// it sets are the contact's, those they replace nobody's. With keep (do
// not overwrite) a row sets only a phone or email the contact has none of.
func (h *holders) set(id int64, r importRow, keep bool) {
	cur := h.held[id]
	if p := r.std["phone"]; p != "" && (!keep || cur.phone == "") {
		if cur.phone != "" && cur.phone != p && h.phones[cur.phone] == id {
			h.phones[cur.phone] = 0
		}
		h.phones[p], cur.phone = id, p
	}
	if e := r.std["email"]; e != "" && (!keep || cur.email == "") {
		if cur.email != "" && cur.email != e && h.emails[cur.email] == id {
			h.emails[cur.email] = 0
		}
		h.emails[e], cur.email = id, e
	}
	h.held[id] = cur
}

// fill adds what from knows and h does not: a dry run's holders keep what
// the earlier rows left over what the store, which it never changes, says.
func (h *holders) fill(from *holders) {
	for _, m := range []struct{ to, from map[string]int64 }{{h.phones, from.phones}, {h.emails, from.emails}} {
		for v, id := range m.from {
			if _, ok := m.to[v]; !ok {
				m.to[v] = id
			}
		}
	}
	for id, c := range from.held {
		if _, ok := h.held[id]; !ok {
			h.held[id] = c
		}
	}
}

// lookup finds, among the contacts of the workspace, those with the
// batch's ids, phones and emails.
func lookup(ctx context.Context, q db.Querier, ws int64, batch []importRow) (*holders, error) {
	h := newHolders()
	vals := map[string][]any{} // column → the batch's values
	for _, r := range batch {
		if r.id != 0 {
			vals["id"] = append(vals["id"], r.id)
		}
		for _, col := range []string{"phone", "email"} {
			if v := r.std[col]; v != "" {
				vals[col] = append(vals[col], v)
			}
		}
	}
	for _, col := range []string{"id", "phone", "email"} {
		if len(vals[col]) == 0 {
			continue
		}
		in, args := db.In(vals[col])
		rows, err := q.Query(ctx, `SELECT id, COALESCE(phone, ''), COALESCE(email, '') FROM contacts WHERE workspace_id = ? AND `+col+` IN `+in,
			append([]any{ws}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("contact: import: lookup: %w", err)
		}
		for rows.Next() {
			var id int64
			var phone, email string
			if err := rows.Scan(&id, &phone, &email); err != nil {
				rows.Close()
				return nil, err
			}
			h.add(id, phone, email)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// match returns the contact a row updates (0: a new one), or the reason
// the row cannot be applied: its id, else its phone, else its email, and
// none of them may name another contact than the one it updates.
func match(r importRow, h *holders) (int64, string) {
	var byPhone, byEmail int64
	if p := r.std["phone"]; p != "" {
		byPhone = h.phones[p]
	}
	if e := r.std["email"]; e != "" {
		byEmail = h.emails[e]
	}
	if r.id != 0 {
		if byPhone != 0 && byPhone != r.id {
			return 0, fmt.Sprintf("the id is contact %d but the phone belongs to %s", r.id, contactName(byPhone))
		}
		if byEmail != 0 && byEmail != r.id {
			return 0, fmt.Sprintf("the id is contact %d but the email belongs to %s", r.id, contactName(byEmail))
		}
		return r.id, ""
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

// errUnseenID is the reason of a row whose id is no contact of the
// workspace or one the importer may not see: the two read the same, as
// GET /contacts/{id} answers both 404. A file from another tool with an
// "id" column of its own is mapped to it by its header: the reason says
// how to import such rows.
const errUnseenID = "no contact you may see has this id (if the column holds another tool's ids, map it to nothing: the rows then match by phone or email)"

// unseen returns, for a restricted principal, the matched contacts it may
// not see (nil for an unrestricted one: it sees them all).
func (im *importer) unseen(ctx context.Context, q db.Querier, found *holders) (map[int64]bool, error) {
	if im.p.Unrestricted() || len(found.held) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(found.held))
	for id := range found.held {
		ids = append(ids, id)
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

// resolve returns the contact a row updates (0: a new one), or why the row
// is rejected; the dry run and the import ask it alike, so they reject
// alike.
func (im *importer) resolve(r importRow, h *holders, unseen map[int64]bool) (int64, *ImportRowError) {
	if _, ok := h.held[r.id]; r.id != 0 && (!ok || unseen[r.id]) {
		return 0, &ImportRowError{Line: r.line, Field: "id", Column: im.idCol, Reason: errUnseenID}
	}
	p, e := r.std["phone"], r.std["email"]
	if (p != "" && unseen[h.phones[p]]) || (e != "" && unseen[h.emails[e]]) {
		return 0, &ImportRowError{Line: r.line, Reason: errUnseen}
	}
	id, why := match(r, h)
	if why != "" {
		return 0, &ImportRowError{Line: r.line, Reason: why}
	}
	switch {
	case im.mode == ImportAddOnly && id != 0:
		return 0, &ImportRowError{Line: r.line, Reason: fmt.Sprintf("the row matches %s: this import only adds contacts", contactName(id))}
	case im.mode == ImportUpdateOnly && id == 0:
		return 0, &ImportRowError{Line: r.line, Reason: "the row matches no contact (by id, phone or email): this import only updates contacts"}
	}
	return id, nil
}

// dryRunBatch counts what writeBatch would do. seen holds, across the
// batches of the file, the phones and emails as the earlier rows would
// leave them, a contact the dry run would create being minus the line of
// the row that creates it: rows match them as the import matches the
// contacts its earlier rows wrote.
func (s *Service) dryRunBatch(ctx context.Context, im *importer, batch []importRow, seen *holders) (created, updated int, bad []ImportRowError, err error) {
	found, err := lookup(ctx, s.db.Reader(), im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	unseen, err := im.unseen(ctx, s.db.Reader(), found)
	if err != nil {
		return 0, 0, nil, err
	}
	seen.fill(found)
	for _, r := range batch {
		id, rerr := im.resolve(r, seen, unseen)
		if rerr != nil {
			bad = append(bad, *rerr)
			continue
		}
		if id != 0 {
			updated++
		} else {
			created++
			id = -int64(r.line)
		}
		seen.set(id, r, im.keep)
	}
	return created, updated, bad, nil
}

// writeBatch creates or updates the batch's contacts inside tx.
func (im *importer) writeBatch(ctx context.Context, tx *db.Tx, batch []importRow) (created, updated int, bad []ImportRowError, err error) {
	found, err := lookup(ctx, tx, im.ws, batch)
	if err != nil {
		return 0, 0, nil, err
	}
	unseen, err := im.unseen(ctx, tx, found)
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
		id, rerr := im.resolve(r, found, unseen)
		if rerr != nil {
			bad = append(bad, *rerr)
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
				v, ok := r.std[k]
				switch {
				case !ok:
				case !im.keep:
					sets = append(sets, k+" = ?")
				case k == "phone" || k == "email": // NULL when none
					sets = append(sets, k+" = COALESCE("+k+", ?)")
				default:
					sets = append(sets, k+" = CASE WHEN "+k+" = '' THEN ? ELSE "+k+" END")
				}
				if ok {
					args = append(args, v)
				}
			}
			if r.stage != 0 && im.keep {
				sets = append(sets, "lifecycle_stage_id = COALESCE(lifecycle_stage_id, ?)")
				args = append(args, r.stage)
			} else if r.stage != 0 {
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
		found.set(id, r, im.keep)
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
	// one row twice in a statement), or with keep (do not overwrite) its
	// first, and a value it has stays.
	last := map[[2]int64]int{}
	for i, v := range vals {
		if _, met := last[[2]int64{v.contact, v.field}]; !met || !im.keep {
			last[[2]int64{v.contact, v.field}] = i
		}
	}
	onConflict := ` ON CONFLICT (contact_id, field_id) DO UPDATE SET value = excluded.value`
	if im.keep {
		onConflict = ` ON CONFLICT (contact_id, field_id) DO NOTHING`
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
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", ")+onConflict, args...); err != nil {
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
