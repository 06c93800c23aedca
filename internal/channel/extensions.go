package channel

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// The interfaces below are optional: a Provider implements those its
// provider's API has, and the rest of the product asks with a type
// assertion, never by channel type.

// MediaFetcher is a Provider whose inbound attachments are held by the
// provider and must be downloaded with the channel's credentials
// (WhatsApp's media ids, Telegram's file ids, Twilio's media URLs…).
// The body is read at most to the channel's size limit and closed by the
// caller. An error wrapping outbound.PermanentError (e.g. the media
// expired) stops retrying.
type MediaFetcher interface {
	FetchMedia(ctx context.Context, ch Channel, ref conversation.MediaRef) (FetchedMedia, error)
}

// Typer is a Provider that can show a contact that someone is writing to
// them (Telegram's chat action, Messenger's and Instagram's sender
// action, WhatsApp's typing indicator). The sign ends by itself after
// TypingLasts, or when a message is sent; it is shown again while the
// agent goes on typing (Signs).
type Typer interface {
	// Typing shows the sign (on) or takes it down (!on; a provider that
	// cannot does nothing) to the contact known on ch as
	// contactExternalID; replyTo is the provider's id of the contact's
	// newest message there ("" if none), which WhatsApp's sign refers to.
	Typing(ctx context.Context, ch Channel, contactExternalID, replyTo string, on bool) error
	TypingLasts() time.Duration
}

// ReadMarker is a Provider that can tell a contact their message was read
// (WhatsApp's blue ticks, Messenger's and Instagram's "Seen"), which Signs
// does when an agent reads the conversation.
type ReadMarker interface {
	// MarkRead marks providerMessageID, the contact's newest message,
	// and those before it read for the contact known on ch as
	// contactExternalID. A channel set never to send read receipts
	// (ReadReceiptsNever) calls nothing.
	MarkRead(ctx context.Context, ch Channel, contactExternalID, providerMessageID string) error
}

// The values of a ReadMarker channel's read_receipts field: when the
// contact is told an agent read their messages.
const (
	ReadReceiptsOpened = "opened" // when an agent has the conversation in view (the default)
	ReadReceiptsNever  = "never"
)

// ReadReceiptsField is the read_receipts field of a ReadMarker's schema.
var ReadReceiptsField = Field{Name: "read_receipts", Type: "string", Title: "Read receipts",
	Description: "When the contact sees their messages as read: opened (default), once an agent has the conversation in view; never.",
	Options:     []string{ReadReceiptsOpened, ReadReceiptsNever}}

// CheckReadReceipts validates a read_receipts value ("" is the default).
func CheckReadReceipts(v string) error {
	switch v {
	case "", ReadReceiptsOpened, ReadReceiptsNever:
		return nil
	}
	return apperr.Invalid("config.read_receipts", "must be %s or %s", ReadReceiptsOpened, ReadReceiptsNever)
}

// FetchedMedia is an attachment's bytes as the provider served them.
type FetchedMedia struct {
	Body        io.ReadCloser
	ContentType string // as the provider declared it
	FileName    string // when the provider names the file
}

// Connector is a Provider that registers the channel with the provider
// when it is saved (Telegram's setWebhook): webhookURL is where the
// provider must deliver, under the node's public URL. An error is shown
// to whoever saved the channel; the channel stays saved and can be
// connected again.
type Connector interface {
	Connect(ctx context.Context, ch Channel, webhookURL string) error
}

// Replacer is a Connector to be told, when a saved configuration change
// replaces a channel's, what it was: a registration Connect made with the
// old credentials may outlive them (the webhook of the Telegram bot a new
// token replaced goes on delivering to the channel's URL, refused).
// webhookURL is where the old configuration was connected. It runs
// before the new configuration is connected, best effort: it reports
// nothing, and the channel is saved and connected whatever it does.
type Replacer interface {
	Connector
	Replaced(ctx context.Context, old, cur Channel, webhookURL string)
}

// LocalConnector is a Connector that registers nothing with a provider
// and needs no public URL (the email channel restarts the channel's IMAP
// poller): it is told of every save, on a node without a public URL too.
type LocalConnector interface {
	Connector
	ConnectsLocally()
}

// WebhookBaser is a Provider whose channel may name the address its
// provider reaches the node at, when that is not the node's public URL
// (Twilio's webhook_base_url: a tunnel, another proxy). The channel's
// webhook URL, the one to paste at the provider, is under it; "" keeps
// the node's.
type WebhookBaser interface {
	WebhookBase(ch Channel) string
}

// Windowed is a Provider whose customer-service window depends on the
// channel's configuration (Messenger's HUMAN_AGENT tag where the page has
// it); others have the window of their Capabilities.
type Windowed interface {
	Window(ch Channel) Window
}

// Window is a channel's customer-service window: free text may be sent
// until Seconds after the contact's last message (0: always). Between
// Seconds and ExtendedSeconds it may still be sent with Tag (the send
// path stamps the message's content with "message_tag": Tag); after that,
// only what Rule allows: "template" (WhatsApp's approved templates) or
// "none".
type Window struct {
	Seconds         int64  `json:"seconds"`
	ExtendedSeconds int64  `json:"extended_seconds,omitempty"`
	Tag             string `json:"tag,omitempty"`
	Rule            string `json:"rule,omitempty"`
}

// TemplateSyncer is a Provider with pre-approved message templates
// (WhatsApp): it lists them from the provider's API so they can be stored
// and offered outside the window.
type TemplateSyncer interface {
	SyncTemplates(ctx context.Context, ch Channel) ([]Template, error)
}

// TemplateChannels is a TemplateSyncer only some of whose channels have
// templates (Twilio's WhatsApp channels, not its SMS ones); a
// TemplateSyncer that is not one has templates on every channel.
type TemplateChannels interface {
	HasTemplates(ch Channel) bool
}

// Template is one pre-approved message template. An outbound message of
// type "template" carries {"type":"template","name","language","params":[…],
// "ref"?} in its content; Params is how many {{n}} parameters the body
// takes.
type Template struct {
	Name       string          `json:"name"`
	Language   string          `json:"language"`
	Category   string          `json:"category,omitempty"`
	Status     string          `json:"status"` // APPROVED, PENDING, REJECTED…
	Body       string          `json:"body"`   // the body text with its {{1}}… placeholders
	Params     int             `json:"params"`
	Components json.RawMessage `json:"components,omitempty"` // the provider's own description
	// Ref is the template's id at a provider that sends templates by id
	// (Twilio's Content SID); a template message's content carries it.
	Ref string `json:"ref,omitempty"`
}

// Addresser is a Provider that can reach a contact who never wrote to
// the channel, by the phone number or email address of their contact
// record (WhatsApp and SMS by phone, email by address): an agent may then
// start a conversation there, its identity made from that field
// (conversation.OpenTx). A provider knowing contacts only by an id of its
// own, learnt from their first message (Telegram's chat id, Messenger's
// page-scoped id, the widget's visitor, the custom channel's contactId
// its integrator chose), is none.
type Addresser interface {
	// AddressedBy is conversation.AddressPhone or conversation.AddressEmail.
	AddressedBy() string
	// ExternalIDOf is the contact's identity on the channel made from
	// their phone (E.164, as stored) or email (lower-cased, as stored),
	// spelled as the provider's webhooks name the contact, so that their
	// reply lands on it.
	ExternalIDOf(value string) string
}
