package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// timelinePage reads how one of a conversation's timeline lists is asked
// for: ?order=asc (the default, oldest first) or desc (newest first, its
// cursor walking towards the older items), ?cursor= of that order,
// ?limit=, and, oldest first, ?after=<id> to start after an item the
// client holds. A view that follows the conversation reads, when the
// socket says something was written, the items after the newest it shows
// rather than every page it had read again. desc reports the order asked.
func timelinePage(r *http.Request) (req paging.Request, desc bool, err error) {
	order := paging.OrderID
	switch r.URL.Query().Get("order") {
	case "", "asc":
	case "desc":
		order, desc = paging.OrderIDDesc, true
	default:
		return req, false, apperr.BadRequest("query parameter order must be asc (the default: oldest first) or desc (newest first)")
	}
	if req, err = pageRequest(r, order); err != nil {
		return req, desc, err
	}
	after, err := QueryInt(r, "after")
	if err != nil || r.URL.Query().Get("after") == "" {
		return req, desc, err
	}
	switch {
	case after < 0:
		return req, desc, apperr.BadRequest("query parameter after must be an id, 0 or more")
	case desc:
		return req, desc, apperr.BadRequest("query parameter after reads oldest first: leave out order=desc")
	case req.After != nil:
		return req, desc, apperr.BadRequest("pass either cursor or after, not both")
	case after > 0:
		// The cursor the page before would have ended on: the next page's
		// cursor follows from it as from any other.
		req.After = &paging.Cursor{Order: paging.OrderID, ID: after}
	}
	return req, desc, nil
}
