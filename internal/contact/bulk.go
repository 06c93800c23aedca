package contact

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// BulkChunk is how many contacts one bulk request changes, in one
// transaction: a list of thousands is gone through by a few requests in
// turn (BulkResult.Next), so that no transaction holds the writer, or a
// request its connection, for long.
const BulkChunk = 250

// The actions a bulk request may take on each contact.
const (
	BulkAddTag       = "add_tag"
	BulkRemoveTag    = "remove_tag"
	BulkSetLifecycle = "set_lifecycle"
	BulkDelete       = "delete"
)

// BulkAction is what a bulk request does to each contact it reaches.
type BulkAction struct {
	Type string `json:"type"` // add_tag, remove_tag, set_lifecycle or delete
	Tag  string `json:"tag,omitempty"`
	// Stage is set_lifecycle's stage by name; "" takes the stage off.
	Stage *string `json:"stage,omitempty"`
}

// BulkInput names the contacts of a bulk action: either ContactIDs (at
// most BulkChunk), or every contact Filter keeps (the list's filters, by
// the list's query names), BulkChunk at a time past After.
type BulkInput struct {
	ContactIDs []int64           `json:"contact_ids,omitempty"`
	Filter     map[string]string `json:"filter,omitempty"`
	After      int64             `json:"after,omitempty"`
	Action     BulkAction        `json:"action"`
}

// BulkResult says what one bulk request did.
type BulkResult struct {
	Matched int `json:"matched"` // the contacts this request reached
	Changed int `json:"changed"` // those of them it changed (a tag already there is not a change)
	// Missing are the contact_ids that are not contacts the caller may see.
	Missing []int64 `json:"missing,omitempty"`
	// Next, when the filter keeps more contacts than one request reaches,
	// is the After of the request that goes on.
	Next *int64 `json:"next,omitempty"`
}

// check refuses an action that is not one, before anything is read.
func (a *BulkAction) check(p Principal) error {
	switch a.Type {
	case BulkAddTag, BulkRemoveTag:
		a.Tag = strings.TrimSpace(a.Tag)
		if a.Tag == "" {
			return apperr.Invalid("action.tag", "is required")
		}
	case BulkSetLifecycle:
		if a.Stage == nil {
			return apperr.Invalid("action.stage", "is required (\"\" takes the stage off)")
		}
	case BulkDelete:
		return mayDelete(p)
	case "":
		return apperr.Invalid("action.type", "is required")
	default:
		return apperr.Invalid("action.type", "must be add_tag, remove_tag, set_lifecycle or delete")
	}
	return nil
}

// target is the condition over contacts aliased c of the contacts in, with
// the principal's scope.
func (in BulkInput) target(p Principal) (string, []any, error) {
	if len(in.ContactIDs) > 0 {
		if in.Filter != nil {
			return "", nil, apperr.BadRequest("give contact_ids or filter, not both")
		}
		if len(in.ContactIDs) > BulkChunk {
			return "", nil, apperr.Invalid("contact_ids", "names %d contacts; at most %d a request", len(in.ContactIDs), BulkChunk)
		}
		// Named contacts are reached whatever they are, test ones too.
		where, args, err := ListFilter{Test: "include"}.where(p)
		if err != nil {
			return "", nil, err
		}
		list, ids := db.In(in.ContactIDs)
		return where + " AND c.id IN " + list, append(args, ids...), nil
	}
	if in.Filter == nil {
		return "", nil, apperr.BadRequest("give contact_ids or filter ({} for every contact)")
	}
	q := url.Values{}
	for k, v := range in.Filter {
		q.Set(k, v)
	}
	f, err := ParseListFilter(q)
	if err != nil {
		return "", nil, err
	}
	where, args, err := f.where(p)
	return where + " AND c.id > ?", append(args, in.After), err
}

// Bulk takes one action on many contacts: those named, or those a filter
// keeps, up to BulkChunk of them in one transaction (all or none), each as
// the single-contact request would (the same events, so workflows
// triggered by a tag or a stage run for each). A filter's later contacts
// are reached by calling again with After = Next.
func (s *Service) Bulk(ctx context.Context, p Principal, in BulkInput) (BulkResult, error) {
	if err := in.Action.check(p); err != nil {
		return BulkResult{}, err
	}
	where, args, err := in.target(p)
	if err != nil {
		return BulkResult{}, err
	}
	var res BulkResult
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		res = BulkResult{}
		ids, err := db.QueryIDs(ctx, tx, `SELECT c.id FROM contacts c WHERE `+where+` ORDER BY c.id LIMIT ?`, append(args, BulkChunk+1)...)
		if err != nil {
			return err
		}
		if len(ids) > BulkChunk {
			ids = ids[:BulkChunk]
			next := ids[len(ids)-1]
			res.Next = &next
		}
		res.Matched = len(ids)
		for _, id := range ids {
			changed, err := s.bulkOne(ctx, tx, p.WorkspaceID, id, in.Action)
			if err != nil {
				return err
			}
			if changed {
				res.Changed++
			}
		}
		res.Missing = missing(in.ContactIDs, ids)
		return nil
	})
	if err != nil {
		if apperr.KindOf(err) != "" {
			return BulkResult{}, err
		}
		return BulkResult{}, fmt.Errorf("contact: bulk %s: %w", in.Action.Type, err)
	}
	return res, nil
}

// bulkOne takes the action on one contact the caller may see.
func (s *Service) bulkOne(ctx context.Context, tx *db.Tx, workspaceID, id int64, a BulkAction) (bool, error) {
	switch a.Type {
	case BulkAddTag, BulkRemoveTag:
		return setTag(ctx, tx, workspaceID, id, a.Tag, a.Type == BulkAddTag)
	case BulkSetLifecycle:
		return setLifecycle(ctx, tx, workspaceID, id, *a.Stage)
	default:
		return true, deleteTx(ctx, tx, workspaceID, id)
	}
}

// missing lists the named ids not among found (both without order).
func missing(named, found []int64) []int64 {
	if len(named) == 0 {
		return nil
	}
	have := make(map[int64]bool, len(found))
	for _, id := range found {
		have[id] = true
	}
	var out []int64
	for _, id := range named {
		if !have[id] {
			have[id] = true // named twice, missing once
			out = append(out, id)
		}
	}
	return out
}
