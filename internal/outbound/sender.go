// Package outbound delivers queued outbound messages to their channels.
// conversation.Send stores a message as pending together with an
// outbound_jobs row; the Dispatcher claims due jobs with a lease, hands
// each message to the Sender of its channel's type and records the
// outcome (sent, failed, or retried later with backoff) in one transaction.
package outbound

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// Sender delivers one message to a provider, for one channel type: the
// channel.Provider of that type (channel.Registry.Senders). It returns
// the provider's id of the message, which later status webhooks refer to.
// An error wrapping a PermanentError fails the message for good; any
// other error is retried. Send must respect ctx's deadline: the
// dispatcher bounds each attempt so that it ends before the job's lease.
type Sender = channel.Sender

// Channels reads the channel of a job with its secrets opened
// (channel.Service.Read).
type Channels interface {
	Read(ctx context.Context, id int64) (channel.Channel, error)
}
