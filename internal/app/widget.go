package app

import (
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/live"
)

// attachWidget gives the website widget's provider what its visitor API
// needs: the store, the event tail that wakes the visitors' sockets, and
// the live hub that carries typing notices between visitors and agents.
func (a *App) attachWidget(tail *event.Tail, hub *live.Hub) {
	p, ok := a.Channels.Registry().Provider(widget.Type)
	if !ok {
		return
	}
	if w, ok := p.(*widget.Provider); ok {
		w.Attach(widget.Deps{DB: a.DB, Tail: tail, Live: hub, Media: a.Media, Clock: a.DB.Clock(), TrustedProxies: a.cfg.TrustedProxies})
	}
}
