package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// pageRequest reads ?cursor= and ?limit= of a list in the given order
// (paging.OrderID for lists by id): 400 for a cursor that is not one of
// this order's, or a limit outside 1–200.
func pageRequest(r *http.Request, order string) (paging.Request, error) {
	return paging.Parse(r.URL.Query(), order)
}

// writeList answers a page of a list.
func writeList[T any](w http.ResponseWriter, p paging.Page[T]) error {
	httpjson.WriteJSON(w, http.StatusOK, p)
	return nil
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
