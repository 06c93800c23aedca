package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboard-chat/switchboard/internal/live"
)

// typingTopic is the broadcast topic of typing notices between nodes.
const typingTopic = "typing"

// typingHub is the node's hub of live sockets, joined to the other nodes'
// through the store's broadcasts, so an agent sees "someone else is
// replying" whichever node each of them is connected to.
func (a *App) typingHub() *live.Hub {
	h := live.NewHub()
	h.Publish = func(r live.Remote) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := a.DB.Broadcast(ctx, typingTopic, r.Encode()); err != nil {
			slog.Debug("typing notice not published to the other nodes", "err", err)
		}
	}
	a.DB.OnBroadcast(typingTopic, func(msg string) {
		if r, ok := live.DecodeRemote(msg); ok {
			h.RelayRemote(r)
		}
	})
	return h
}
