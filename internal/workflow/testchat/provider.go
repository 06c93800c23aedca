// Package testchat is the Workflow Builder's test panel: a manager chats
// with a workflow as a test contact, through a built-in channel of type
// "test" whose messages go nowhere but into the conversation. The test
// contact's messages take the receive path every channel takes
// (conversation.Receive: durable, idempotent by client id), so a
// conversation opens with source contact, conversation.opened fires and
// the engine starts the workflow for real; branches and assignments are
// real too. The contact is flagged is_test (migration 023): lists, counts
// and workflow stats leave it, its conversations and its runs out unless
// asked for them, and its events start only the workflow it tests.
package testchat

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// Type is the test channel's type name.
const Type = "test"

// ChannelName is the name of a workspace's test channel, as the channels
// settings list it.
const ChannelName = "Workflow Builder test chat"

// Provider is the test channel: nothing leaves the node.
type Provider struct{}

var _ channel.Provider = Provider{}

// Type implements channel.Provider.
func (Provider) Type() string { return Type }

// Schema implements channel.Provider: the test channel has no settings.
func (Provider) Schema() channel.Schema { return channel.Schema{Fields: []channel.Field{}} }

// Validate implements channel.Provider: a test channel is made by the
// Workflow Builder when a test starts, never through the channels API.
func (Provider) Validate(json.RawMessage, channel.Check) (json.RawMessage, error) {
	return nil, apperr.Invalid("type", "the test channel is made by the Workflow Builder's test panel, not added in settings")
}

// Capabilities implements channel.Provider: what the test panel shows
// (text and quick replies as buttons).
func (Provider) Capabilities() channel.Capabilities {
	return channel.Capabilities{QuickReplies: true, Buttons: 10, Attachments: []string{}, MaxTextLength: MaxTextLength}
}

// MapStatus implements channel.Provider: the test channel reports none.
func (Provider) MapStatus(string) (string, bool) { return "", false }

// Webhooks implements channel.Provider: the test panel talks through the
// API (internal/httpapi), not webhooks.
func (Provider) Webhooks(channel.Inbox) []channel.Route { return nil }

// Send implements channel.Provider: the message is already stored in the
// test conversation, where the panel reads it; it is sent once stored.
func (Provider) Send(_ context.Context, ch channel.Channel, _ string, msg conversation.Message) (string, error) {
	return fmt.Sprintf("test-%d-%d", ch.ID, msg.ID), nil
}
