// Package outbound delivers queued outbound messages to their channels.
// conversation.Send stores a message as pending together with an
// outbound_jobs row; the Dispatcher claims due jobs with a lease, hands
// each message to the Sender of its channel's type and records the
// outcome (sent, failed, or retried later with backoff) in one transaction.
package outbound

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Sender delivers one message to a provider, for one channel type. It
// returns the provider's id of the message, which later status webhooks
// refer to. An error wrapping a PermanentError fails the message for good;
// any other error is retried. Send must respect ctx's deadline: the
// dispatcher bounds each attempt so that it ends before the job's lease.
type Sender interface {
	Send(ctx context.Context, ch channel.Channel, contactExternalID string, msg conversation.Message) (providerMessageID string, err error)
}
