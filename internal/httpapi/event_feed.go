package httpapi

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/event"
)

// feedPage is how many events a feed reads from the log at once when it
// catches up, unless its filter says otherwise.
const feedPage = 200

// eventFeed is one live connection's read of the log: the events after
// its cursor that its principal may see, first from the log, then from
// the node's tail. The SSE stream and the live socket are two transports
// over it, so both deliver the same events in the same order.
type eventFeed struct {
	s   *Server
	f   event.Filter // f.After is the cursor: the last event delivered
	sub *event.Subscription
}

// newFeed subscribes to the tail before anything is read from the log:
// nothing committed from now on can fall between the two. Close it.
func (s *Server) newFeed(f event.Filter) *eventFeed {
	if f.Limit <= 0 {
		f.Limit = feedPage
	}
	return &eventFeed{s: s, f: f, sub: s.deps.Tail.Subscribe(f.Matches)}
}

func (fd *eventFeed) Close() { fd.sub.Close() }

// cursor is the id of the last event delivered (or skipped as already known).
func (fd *eventFeed) cursor() int64 { return fd.f.After }

// catchUp delivers everything after the cursor from the log, in pages.
func (fd *eventFeed) catchUp(ctx context.Context, emit func(event.Event) error) error {
	for {
		list, err := event.List(ctx, fd.s.deps.DB.Reader(), fd.f)
		if err != nil {
			return err
		}
		if err := fd.deliver(list, emit); err != nil {
			return err
		}
		if len(list) < fd.f.Limit {
			return nil
		}
	}
}

// live delivers a batch the tail handed the feed. Visibility is decided
// now, not when the event was appended: the conversation may have
// changed hands since. The node's streams share that decision's read.
func (fd *eventFeed) live(ctx context.Context, list []event.Event, emit func(event.Event) error) error {
	list, err := fd.s.holders.visible(ctx, fd.s.deps.DB.Reader(), fd.f.Viewer, list)
	if err != nil {
		return err
	}
	return fd.deliver(list, emit)
}

// deliver emits the events after the cursor, moving it past each.
func (fd *eventFeed) deliver(list []event.Event, emit func(event.Event) error) error {
	for _, e := range list {
		if e.ID <= fd.f.After {
			continue // already delivered, from the log
		}
		if err := emit(e); err != nil {
			return err
		}
		fd.f.After = e.ID
	}
	return nil
}
