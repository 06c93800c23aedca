package twilio

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// DefaultAPIBaseURL is Twilio's REST API.
const DefaultAPIBaseURL = "https://api.twilio.com"

// The media a Twilio channel carries: SMS and MMS (the default), or
// WhatsApp through Twilio's WhatsApp senders.
const (
	MediumSMS      = "sms"
	MediumWhatsApp = "whatsapp"
)

// whatsAppPrefix marks a WhatsApp address in Twilio's From and To
// ("whatsapp:+14155550100").
const whatsAppPrefix = "whatsapp:"

// Config is a Twilio channel's configuration. AuthToken is secret: sealed
// at rest, never shown (channel.Schema).
type Config struct {
	// Medium is MediumSMS ("" in channels made before WhatsApp) or
	// MediumWhatsApp.
	Medium string `json:"medium,omitempty"`
	// AccountSID is the account the channel sends as ("AC" + 32 hex).
	AccountSID string `json:"account_sid"`
	// AuthToken is the account's auth token: the password of every API
	// call and the key Twilio signs its webhooks with.
	AuthToken string `json:"auth_token,omitempty"`
	// From is the Twilio number messages are sent from, in E.164; or
	// MessagingServiceSID ("MG" + 32 hex) lets the service pick it. One of
	// the two is required; with both, the service is used.
	From                string `json:"from,omitempty"`
	MessagingServiceSID string `json:"messaging_service_sid,omitempty"`
	// APIBaseURL is Twilio's REST API (DefaultAPIBaseURL), a setting so
	// tests and on-premises proxies can point it elsewhere.
	APIBaseURL string `json:"api_base_url,omitempty"`
	// WebhookBaseURL is the address Twilio reaches this node at, when it
	// is not the node's --public-url (a tunnel, another proxy). Twilio
	// signs the exact URL it called, so the webhooks check the signature
	// against this base plus the request's path and query.
	WebhookBaseURL string `json:"webhook_base_url,omitempty"`
}

// MaxURLLen bounds api_base_url and webhook_base_url.
const MaxURLLen = limit.URL

var (
	accountSID = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	serviceSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
	e164       = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
)

// schema describes Config.
var schema = channel.Schema{Fields: []channel.Field{
	{Name: "medium", Type: "string", Title: "Medium", Options: []string{MediumSMS, MediumWhatsApp},
		Description: "sms: SMS and MMS on a Twilio number. whatsapp: WhatsApp through a Twilio WhatsApp sender (its number as the sending number, or a Messaging Service holding it)."},
	{Name: "account_sid", Type: "string", Title: "Account SID", Required: true, MaxLength: 34,
		Description: "Your Twilio Account SID (AC…), from the Twilio Console."},
	{Name: "auth_token", Type: "string", Title: "Auth token", Required: true, Secret: true, MaxLength: 128,
		Description: "The account's auth token: it authenticates Switchboard's API calls and the signature of Twilio's webhooks."},
	{Name: "from", Type: "string", Title: "Sending number", MaxLength: 24,
		Description: "The Twilio number messages are sent from, in E.164 (+14155550100). Leave empty to send through a Messaging Service."},
	{Name: "messaging_service_sid", Type: "string", Title: "Messaging Service SID", MaxLength: 34,
		Description: "A Messaging Service (MG…) that chooses the sending number; used instead of the sending number when set."},
	{Name: "api_base_url", Type: "url", Title: "API base URL", MaxLength: MaxURLLen,
		Description: "Twilio's REST API (default " + DefaultAPIBaseURL + "); change it only for a proxy."},
	{Name: "webhook_base_url", Type: "url", Title: "Public webhook base URL", MaxLength: MaxURLLen,
		Description: "The address Twilio reaches Switchboard at, when it is not the node's public URL (e.g. a tunnel). Twilio signs the exact URL it calls."},
}}

// validateConfig checks and normalises a Twilio channel's configuration;
// guard, when not nil, vets the API base URL's address.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	c.AccountSID = strings.TrimSpace(c.AccountSID)
	c.AuthToken = strings.TrimSpace(c.AuthToken)
	c.Medium = strings.ToLower(strings.TrimSpace(c.Medium))
	if c.Medium == "" {
		c.Medium = MediumSMS
	}
	c.From = strings.TrimSpace(c.From)
	// Twilio's console writes a WhatsApp sender "whatsapp:+14155550100".
	whatsAppFrom := strings.HasPrefix(strings.ToLower(c.From), whatsAppPrefix)
	if whatsAppFrom {
		c.From = c.From[len(whatsAppPrefix):]
	}
	// "+1 (415) 555-0100" as people write it is the E.164 +14155550100.
	c.From = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "").Replace(c.From)
	c.MessagingServiceSID = strings.TrimSpace(c.MessagingServiceSID)
	c.APIBaseURL = strings.TrimSpace(c.APIBaseURL)
	c.WebhookBaseURL = strings.TrimSpace(c.WebhookBaseURL)
	switch {
	case c.Medium != MediumSMS && c.Medium != MediumWhatsApp:
		return nil, apperr.Invalid("config.medium", "must be sms or whatsapp")
	case whatsAppFrom && c.Medium != MediumWhatsApp:
		return nil, apperr.Invalid("config.from", "is a WhatsApp sender: set the medium to whatsapp")
	case !accountSID.MatchString(c.AccountSID):
		return nil, apperr.Invalid("config.account_sid", "must be a Twilio Account SID: AC followed by 32 hexadecimal digits")
	case c.AuthToken == "":
		return nil, apperr.Invalid("config.auth_token", "is required")
	case len(c.AuthToken) > 128:
		return nil, apperr.Invalid("config.auth_token", "is longer than 128 characters")
	case c.From == "" && c.MessagingServiceSID == "":
		return nil, apperr.Invalid("config.from", "give the sending number (E.164) or a Messaging Service SID")
	case c.From != "" && !e164.MatchString(c.From):
		return nil, apperr.Invalid("config.from", "must be a phone number in E.164 form, e.g. +14155550100")
	case c.MessagingServiceSID != "" && !serviceSID.MatchString(c.MessagingServiceSID):
		return nil, apperr.Invalid("config.messaging_service_sid", "must be a Messaging Service SID: MG followed by 32 hexadecimal digits")
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	var err error
	if c.APIBaseURL, err = channel.CheckBaseURL("config.api_base_url", c.APIBaseURL, guard); err != nil {
		return nil, err
	}
	if c.WebhookBaseURL != "" {
		// Twilio calls this one; the node does not, so no guard.
		if c.WebhookBaseURL, err = channel.CheckBaseURL("config.webhook_base_url", c.WebhookBaseURL, nil); err != nil {
			return nil, err
		}
	}
	return json.Marshal(c)
}

// config reads a stored channel's configuration with its secret.
func config(ch channel.Channel) (Config, error) {
	var c Config
	if err := json.Unmarshal(ch.Config, &c); err != nil {
		return c, err
	}
	c.AuthToken = ch.Secret("auth_token")
	if c.Medium == "" {
		c.Medium = MediumSMS
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	return c, nil
}
