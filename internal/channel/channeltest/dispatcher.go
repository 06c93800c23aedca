package channeltest

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/background"
	"github.com/switchboard-chat/switchboard/internal/background/backgroundtest"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// RunDispatcher runs the node's outbound dispatcher over channels'
// registered providers on d's clock, one send at a time, until the test
// ends: what a test of a real send path needs between queuing a message
// and reading what its provider's server got. Wait on the returned group
// (backgroundtest.WaitIdle) for the sends queued so far to be done.
func RunDispatcher(t *testing.T, d *db.DB, channels *channel.Service) *background.Group {
	t.Helper()
	g := background.NewGroup(d.Clock())
	disp := outbound.New(d, channels.Registry().Senders(), metrics.New(), outbound.Options{Concurrency: 1, Group: g, Channels: channels})
	backgroundtest.Run(t, g, disp.Run)
	return g
}
