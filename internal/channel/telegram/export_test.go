package telegram

import "testing"

// What the external tests (flow_test.go, package telegram_test, which
// runs a whole node and so cannot be in this package: the node imports
// it) use of this package's test helpers.

// BotCall is one call the fake Bot API received.
type BotCall = botCall

// FakeBot is the fake Bot API of botapi_test.go.
type FakeBot struct{ b *botAPI }

// NewFakeBot starts a fake Bot API for TestBotToken.
func NewFakeBot(t *testing.T) FakeBot { return FakeBot{newBotAPI(t)} }

// URL is the fake's address, the channel's api_base_url.
func (f FakeBot) URL() string { return f.b.srv.URL }

// Calls returns the calls made so far.
func (f FakeBot) Calls() []BotCall { return f.b.made() }

// TestBotToken is the bot token the fake answers.
const TestBotToken = testBotToken

// Queue makes the next call of method answer status and body (after
// those queued before it).
func (f FakeBot) Queue(method string, status int, body string) { f.b.queue(method, status, body) }
