package app

import (
	"context"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/ratelimit"
)

// fairRetryAfter is what a webhook refused for its workspace's share is
// told to wait: providers retry a 429 after it.
const fairRetryAfter = time.Second

// fairQuiet is how long after its last webhook a workspace still counts
// as the node's neighbour: one sending a message at a time is active
// between them too, and the others' shares hold meanwhile.
const fairQuiet = time.Second

// fairReceiver stores the webhooks' items as next does, admitting at most
// Config.WebhooksPerWorkspace of one workspace's webhooks at once on
// this node while another workspace sends too: a workspace that sends
// more than that at a time is answered 429 with Retry-After for the
// excess, instead of queueing ahead of the other's writes. A workspace
// alone on the node is not capped (docs/configuration.md, "Webhook
// fairness").
type fairReceiver struct {
	next  channel.Receiver
	share *ratelimit.InFlight[int64]
}

func (f fairReceiver) Receive(ctx context.Context, items []conversation.Inbound) ([]conversation.Received, error) {
	if len(items) == 0 {
		return f.next.Receive(ctx, items)
	}
	// A webhook is one channel's, so one workspace's.
	leave, ok := f.share.Enter(items[0].WorkspaceID)
	if !ok {
		return nil, apperr.TooMany(fairRetryAfter, "this workspace has as many webhooks being stored on this node as it may at once; try again shortly")
	}
	defer leave()
	return f.next.Receive(ctx, items)
}

// laneReceiver tags a webhook's writes with its workspace, so the store's
// writer serves them in that workspace's turn (db.WithWorkspace) rather
// than behind every write another workspace queued first.
type laneReceiver struct{ next channel.Receiver }

func (l laneReceiver) Receive(ctx context.Context, items []conversation.Inbound) ([]conversation.Received, error) {
	if len(items) > 0 {
		// A webhook is one channel's, so one workspace's.
		ctx = db.WithWorkspace(ctx, items[0].WorkspaceID)
	}
	return l.next.Receive(ctx, items)
}

// webhookReceiver is what the channels' webhooks store through: the
// conversations, each webhook's writes in its workspace's lane, behind
// each workspace's share when one is set.
func (a *App) webhookReceiver() channel.Receiver {
	in := laneReceiver{next: a.Conversations}
	if a.cfg.WebhooksPerWorkspace <= 0 {
		return in
	}
	return fairReceiver{next: in, share: ratelimit.NewInFlight[int64](a.cfg.Clock, a.cfg.WebhooksPerWorkspace, fairQuiet)}
}
