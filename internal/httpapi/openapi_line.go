package httpapi

import "github.com/switchboard-chat/switchboard/internal/conversation"

// lineWebhookBody documents a LINE Messaging API webhook body as the LINE
// channel's webhook reads it (internal/channel/line): the bot's user id
// and the events, possibly none (the console's Verify). Of the events,
// message and postback ones are stored; members the schema leaves out
// are accepted and ignored.
type lineWebhookBody struct {
	Destination string           `json:"destination"`
	Events      []map[string]any `json:"events"`
}

// lineWebhookResult is the LINE webhook's answer: what became of each
// stored event, and how many events were not stored (follow, unfollow
// and other kinds, or ones that could not be read).
type lineWebhookResult struct {
	Results []conversation.Received `json:"results"`
	Skipped int                     `json:"skipped,omitempty"`
}
