package httpapi

import (
	"net/http"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// queryCursor reads ?cursor= as an id; 400 unless it is a non-negative
// integer.
func queryCursor(r *http.Request) (int64, error) {
	after, err := QueryInt(r, "cursor")
	if err != nil {
		return 0, err
	}
	if after < 0 {
		return 0, apperr.BadRequest("query parameter cursor must not be negative")
	}
	return after, nil
}

// queryID reads an optional id filter (?team_id=, ?contact_id=…): 0 when
// absent, 400 unless it is a positive integer. A negative id matches
// nothing, so a client sending one has made a mistake worth telling.
func queryID(r *http.Request, name string) (int64, error) {
	id, err := QueryInt(r, name)
	if err != nil {
		return 0, err
	}
	if id < 0 || (id == 0 && r.URL.Query().Get(name) != "") {
		return 0, apperr.BadRequest("query parameter %s must be a positive id", name)
	}
	return id, nil
}

// pageOf cuts a list that the domain returns whole, in id order, at the
// request's cursor and limit, so that every list of the API pages alike.
// It knows whether more items follow, so the last page has no cursor.
func pageOf[T any](r *http.Request, list []T, id func(T) int64) (page[T], error) {
	after, err := queryCursor(r)
	if err != nil {
		return page[T]{}, err
	}
	limit, err := limitOf(r, 100)
	if err != nil {
		return page[T]{}, err
	}
	out := page[T]{Data: []T{}}
	for _, item := range list {
		if id(item) <= after {
			continue
		}
		if len(out.Data) == limit {
			out.NextCursor = strconv.FormatInt(id(out.Data[len(out.Data)-1]), 10)
			break
		}
		out.Data = append(out.Data, item)
	}
	return out, nil
}

// whole wraps a short list that is not paged (tags, stages, categories: a
// workspace's configuration, ordered by name or position) in the list
// envelope, so clients read every list the same way.
func whole[T any](list []T) page[T] {
	if list == nil {
		list = []T{}
	}
	return page[T]{Data: list}
}

// noContent answers 204 for a delete.
func noContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// isManager reports whether the caller may manage the workspace's people
// and settings (owners, managers and workspace tokens, which act as owners).
func isManager(p workspace.Principal) bool {
	return p.Role == workspace.RoleOwner || p.Role == workspace.RoleManager
}
