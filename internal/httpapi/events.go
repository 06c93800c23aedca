package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	paging "github.com/switchboard-chat/switchboard/internal/page"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// eventFilter reads ?after= (or Last-Event-ID for a resuming stream),
// ?types=a,b and ?limit= into a filter of the caller's workspace.
// Last-Event-ID, when sent, wins over ?after=: an SSE client (a browser's
// EventSource among them) reconnects to the URL it was opened with,
// ?after= and all, and says in the header the last event it received,
// which is where it stopped; resuming from ?after= sent again everything
// it already had.
func eventFilter(r *http.Request) (event.Filter, error) {
	f := event.Filter{WorkspaceID: Principal(r).WorkspaceID, Viewer: Principal(r)}
	var err error
	if f.After, err = QueryInt(r, "after"); err != nil {
		return f, err
	}
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if f.After, err = strconv.ParseInt(id, 10, 64); err != nil {
			return f, apperr.BadRequest("Last-Event-ID must be an event id")
		}
	}
	if f.After < 0 {
		return f, apperr.BadRequest("after must not be negative")
	}
	if t := r.URL.Query().Get("types"); t != "" {
		if f.Types, err = eventTypes(t); err != nil {
			return f, err
		}
	}
	limit, err := paging.ParseLimit(r.URL.Query())
	if err != nil {
		return f, err
	}
	f.Limit = limit
	return f, nil
}

// eventTypes parses ?types=a,b: known types, each once. Every type becomes
// a variable of the query, so a list longer than the known types (which
// can only repeat some) is refused before it reaches the database's limit
// on variables; repeats within it are dropped.
func eventTypes(list string) ([]event.Type, error) {
	names := strings.Split(list, ",")
	if len(names) > len(event.Types) {
		return nil, apperr.BadRequest("types lists %d event types; there are only %d, name each at most once", len(names), len(event.Types))
	}
	var out []event.Type
	for _, name := range names {
		typ := event.Type(name)
		if !slices.Contains(event.Types, typ) {
			return nil, apperr.BadRequest("types: unknown event type %q", limit.Clip(name, 50))
		}
		if !slices.Contains(out, typ) {
			out = append(out, typ)
		}
	}
	return out, nil
}

// listEvents answers GET /api/v1/events?after=<cursor>: the events after
// the cursor, oldest first, with the cursor to continue from.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	list, err := event.List(r.Context(), s.deps.DB.Reader(), f)
	if err != nil {
		return err
	}
	next := f.After
	if len(list) > 0 {
		next = list[len(list)-1].ID
	}
	if list == nil {
		list = []event.Event{}
	}
	// Unlike other lists, the cursor is never empty: a client polls the log
	// by passing it back, and gets the events that committed meanwhile.
	httpjson.WriteJSON(w, http.StatusOK, page[event.Event]{Data: list, NextCursor: strconv.FormatInt(next, 10)})
	return nil
}

func (s *Server) conversationEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	p := Principal(r)
	if _, err := s.deps.Conversations.Get(r.Context(), p, id); err != nil {
		return err
	}
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	// A timeline is a list like the others, paged with opaque cursors, and
	// read newest first with order=desc; after (an event id, as the
	// stream's) may start it at a log position instead, oldest first.
	req, desc, err := timelinePage(r)
	if err != nil {
		return err
	}
	switch {
	case desc && f.After != 0:
		return apperr.BadRequest("after reads oldest first: leave out order=desc")
	case desc && req.After != nil:
		f.Desc, f.Before = true, req.After.ID
	case desc:
		f.Desc = true
	case req.After != nil:
		if f.After != 0 && f.After != req.After.ID {
			return apperr.BadRequest("pass either cursor or after, not both")
		}
		f.After = req.After.ID
	}
	f.ConversationID, f.Limit = id, req.Fetch()
	list, err := event.List(r.Context(), s.deps.DB.Reader(), f)
	if err != nil {
		return err
	}
	order := paging.OrderID
	if desc {
		order = paging.OrderIDDesc
	}
	return writeList(w, paging.Cut(list, req.Limit, func(e event.Event) paging.Cursor { return paging.Cursor{Order: order, ID: e.ID} }))
}

// keepaliveEvery is how often an idle stream gets a comment line, which
// keeps proxies from closing it and re-checks the credentials it was
// opened with.
const keepaliveEvery = 15 * time.Second

// streamCredential is the token a long-lived connection was opened with,
// bearer or session cookie, which its keepalive re-checks.
func streamCredential(r *http.Request) string {
	if t := cookieToken(r); t != "" {
		return t
	}
	return bearer(r)
}

// streamEvents is GET /api/v1/events/stream: server-sent events, each with
// its event id as the SSE id, so a client that reconnects with
// Last-Event-ID (or ?after=) resumes exactly where it stopped. It reads
// the log from the client's cursor once, then takes new events from the
// node's tail, which reads each of them once for every stream (see
// event.Tail). Every keepalive re-checks the credentials: a stream ends
// soon after its session is signed out or its user deactivated. A
// restricted principal gets only the events it may see when each is
// delivered, decided on a read the node's streams share (see holders).
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) error {
	release, err := s.streams.acquire(Principal(r))
	if err != nil {
		return err
	}
	defer release()
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("httpapi: streaming unsupported by the response writer")
	}
	feed := s.newFeed(f)
	defer feed.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	keepalive := time.NewTicker(keepaliveEvery)
	defer keepalive.Stop()
	ctx := r.Context()
	write := func(e event.Event) error {
		data, _ := json.Marshal(e)
		_, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, data)
		return err
	}
	catchUp := true
	for {
		if catchUp {
			// Everything after the cursor, in pages, before going live.
			if err := feed.catchUp(ctx, write); err != nil {
				return nil // the client sees the stream end and reconnects from its cursor
			}
			flusher.Flush()
			catchUp = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			return nil
		case list := <-feed.sub.C:
			if err := feed.live(ctx, list, write); err != nil {
				return nil // the client reconnects from its cursor
			}
			flusher.Flush()
		case <-feed.sub.Lagged():
			catchUp = true
		case <-keepalive.C:
			p, err := s.deps.Workspaces.Authenticate(ctx, streamCredential(r))
			if err != nil {
				return nil // signed out, expired or deactivated: the stream ends
			}
			feed.f.Viewer = p // teams and permissions may have changed meanwhile
			fmt.Fprint(w, ": keepalive\n\n")
			flusher.Flush()
		}
	}
}
