package contact

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// MergeSuggestion is a pair of contacts that look like one person.
type MergeSuggestion struct {
	A      Contact `json:"a"` // the older of the two
	B      Contact `json:"b"`
	Reason string  `json:"reason"` // phone, email or name
	Value  string  `json:"value"`  // what they share, as the older one has it
}

// MaxMergeSuggestions bounds one answer of MergeSuggestions.
const MaxMergeSuggestions = 100

// PhoneKey is the form two phone numbers are compared in for merge
// suggestions: the digits alone, without a leading 00 or 0 (international
// and national prefixes), cut to the last nine digits — so +33 6 12 34 56
// 78, 0033612345678 and 0612345678 share one key. Fewer than six digits
// are no phone: "".
func PhoneKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != '+' && r != ' ' && r != '-' && r != '(' && r != ')' && r != '.' {
			return "" // letters: not a phone number
		}
	}
	d := strings.TrimLeft(b.String(), "0")
	if len(d) < 6 {
		return ""
	}
	if len(d) > 9 {
		d = d[len(d)-9:]
	}
	return d
}

type suggestRow struct {
	id, created int64
	name        string
	phones      map[string]string // key → as written
	emails      map[string]string
	channels    map[int64]bool
}

// MergeSuggestions returns pairs of contacts the principal may see that
// look like the same person: the same phone in different forms (PhoneKey;
// the contact's phone and the identities whose external id is a phone
// number), the same email ignoring case (the contact's and identities'
// that are email addresses), or the same full name on different channels.
// Each pair comes once, under its strongest reason (phone, then email, then
// name), at most MaxMergeSuggestions of them, oldest contacts first. A
// phone or email one contact gave while another held it (SuggestMergeTx:
// a workflow's answer) pairs them too. The Workflow Builder's test
// contacts are never suggested, nor a pair dismissed as not one person
// (DismissMergeSuggestion).
func (s *Service) MergeSuggestions(ctx context.Context, p Principal) ([]MergeSuggestion, error) {
	scope, args := p.ContactScope("c")
	q := s.db.Reader()
	rows, err := q.Query(ctx, `SELECT c.id, c.created_at, c.first_name, c.last_name, COALESCE(c.phone, ''), COALESCE(c.email, '')
		FROM contacts c WHERE c.workspace_id = ? AND c.is_test = 0 AND `+scope+` ORDER BY c.id`, append([]any{p.WorkspaceID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("contact: merge suggestions: %w", err)
	}
	byID := map[int64]*suggestRow{}
	var order []*suggestRow
	addPhone := func(r *suggestRow, v string) {
		if k := PhoneKey(v); k != "" {
			if _, ok := r.phones[k]; !ok {
				r.phones[k] = v
			}
		}
	}
	addEmail := func(r *suggestRow, v string) {
		if strings.Contains(v, "@") {
			k := strings.ToLower(strings.TrimSpace(v))
			if _, ok := r.emails[k]; !ok {
				r.emails[k] = v
			}
		}
	}
	for rows.Next() {
		var r suggestRow
		var first, last, phone, email string
		if err := rows.Scan(&r.id, &r.created, &first, &last, &phone, &email); err != nil {
			rows.Close()
			return nil, err
		}
		r.name = strings.ToLower(strings.Join(strings.Fields(first+" "+last), " "))
		r.phones, r.emails, r.channels = map[string]string{}, map[string]string{}, map[int64]bool{}
		addPhone(&r, phone)
		addEmail(&r, email)
		byID[r.id] = &r
		order = append(order, &r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT contact_id, channel_id, external_id FROM contact_identities WHERE workspace_id = ?`, p.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("contact: merge suggestions: %w", err)
	}
	for rows.Next() {
		var cid, ch int64
		var ext string
		if err := rows.Scan(&cid, &ch, &ext); err != nil {
			rows.Close()
			return nil, err
		}
		if r := byID[cid]; r != nil {
			r.channels[ch] = true
			addPhone(r, ext)
			addEmail(r, ext)
			// A nameless contact is named after its external id: no name.
			if r.name == strings.ToLower(ext) {
				r.name = ""
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	type pair = dismissedPair
	type found struct {
		reason, value string
		rank          int
	}
	pairs := map[pair]found{}
	note := func(groups map[string][]*suggestRow, reason string, rank int, value func(r *suggestRow, k string) string, ok func(x, y *suggestRow) bool) {
		for k, g := range groups {
			for i := 0; i < len(g); i++ {
				for j := i + 1; j < len(g); j++ {
					x, y := g[i], g[j]
					if !ok(x, y) {
						continue
					}
					pr := pair{x.id, y.id}
					if f, seen := pairs[pr]; !seen || f.rank > rank {
						pairs[pr] = found{reason, value(x, k), rank}
					}
				}
			}
		}
	}
	phones, emails, names := map[string][]*suggestRow{}, map[string][]*suggestRow{}, map[string][]*suggestRow{}
	for _, r := range order {
		for k := range r.phones {
			phones[k] = append(phones[k], r)
		}
		for k := range r.emails {
			emails[k] = append(emails[k], r)
		}
		if r.name != "" {
			names[r.name] = append(names[r.name], r)
		}
	}
	always := func(x, y *suggestRow) bool { return true }
	note(phones, "phone", 0, func(r *suggestRow, k string) string { return r.phones[k] }, always)
	note(emails, "email", 1, func(r *suggestRow, k string) string { return r.emails[k] }, always)
	// The pairs a value one contact holds and the other gave recorded
	// (SuggestMergeTx): the other could not take it, so nothing above
	// finds them. Both contacts must be ones the principal may see.
	hints, err := mergeHints(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for _, h := range hints {
		rank := map[string]int{"phone": 0, "email": 1}[h.reason]
		pr := pair{h.a, h.b}
		if f, seen := pairs[pr]; byID[h.a] != nil && byID[h.b] != nil && (!seen || f.rank > rank) {
			pairs[pr] = found{h.reason, h.value, rank}
		}
	}
	note(names, "name", 2, func(r *suggestRow, k string) string { return k }, func(x, y *suggestRow) bool {
		// The same name on several channels: each has a channel the other lacks.
		if len(x.channels) == 0 || len(y.channels) == 0 {
			return false
		}
		for ch := range x.channels {
			if y.channels[ch] {
				return false
			}
		}
		return true
	})
	// Pairs someone said are not one person are never listed, whatever
	// they share; left out before the cut so they take no place in it.
	dismissed, err := mergeDismissals(ctx, q, p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for pr := range pairs {
		if dismissed[pr] {
			delete(pairs, pr)
		}
	}
	keys := make([]pair, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if pairs[keys[i]].rank != pairs[keys[j]].rank {
			return pairs[keys[i]].rank < pairs[keys[j]].rank
		}
		if keys[i].a != keys[j].a {
			return keys[i].a < keys[j].a
		}
		return keys[i].b < keys[j].b
	})
	if len(keys) > MaxMergeSuggestions {
		keys = keys[:MaxMergeSuggestions]
	}
	out := []MergeSuggestion{}
	if len(keys) == 0 {
		return out, nil
	}
	ids := []int64{}
	seen := map[int64]bool{}
	for _, k := range keys {
		for _, id := range []int64{k.a, k.b} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	got, err := contactsByID(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("contact: merge suggestions: %w", err)
	}
	for _, k := range keys {
		a, b := got[k.a], got[k.b]
		if a.ID == 0 || b.ID == 0 {
			continue // deleted meanwhile
		}
		if b.CreatedAt.Before(a.CreatedAt) {
			a, b = b, a
		}
		out = append(out, MergeSuggestion{A: a, B: b, Reason: pairs[k].reason, Value: pairs[k].value})
	}
	return out, nil
}

// contactsByID reads the contacts of ids with their details (tags,
// fields, identities), by id; one deleted meanwhile is absent.
func contactsByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]Contact, error) {
	in, inArgs := db.In(ids)
	rows, err := q.Query(ctx, `SELECT `+contactColumns+contactFrom+` WHERE c.id IN `+in, inArgs...)
	if err != nil {
		return nil, err
	}
	cs, err := db.Collect(rows, func(rows *sql.Rows) (Contact, error) { return scanContact(rows) })
	if err != nil {
		return nil, err
	}
	if err := fillDetails(ctx, q, cs); err != nil {
		return nil, err
	}
	got := make(map[int64]Contact, len(cs))
	for _, c := range cs {
		got[c.ID] = c
	}
	return got, nil
}
