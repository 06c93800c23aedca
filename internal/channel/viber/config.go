package viber

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// DefaultAPIBaseURL is the REST Bot API's address.
const DefaultAPIBaseURL = "https://chatapi.viber.com"

// Config is the configuration of a Viber channel.
type Config struct {
	// AuthToken is the bot's authentication token ("app key"), shown to
	// the bot's admins in Viber and in the Admin Panel. Secret. It is
	// sent in X-Viber-Auth-Token with every call and is the key of the
	// callbacks' signature.
	AuthToken string `json:"auth_token"`
	// SenderName is the name contacts see on the bot's messages:
	// send_message requires one.
	SenderName string `json:"sender_name"`
	// SenderAvatar is the URL of the picture beside it ("": none).
	SenderAvatar string `json:"sender_avatar,omitempty"`
	// APIBaseURL is where the API is reached: methods are called at
	// <api_base_url>/pa/<method>. A proxy (or a test) may stand in for
	// Viber's.
	APIBaseURL string `json:"api_base_url"`
}

// MaxAuthTokenLen bounds an authentication token; Viber's are 50
// characters (three groups of 16, joined by dashes).
const MaxAuthTokenLen = 200

// MaxSenderNameLen is the longest sender name send_message accepts.
const MaxSenderNameLen = 28

// authToken is the shape of an authentication token. It is an HTTP
// header value and the signature's key, so anything with a blank or a
// control character in it is a bad paste, not a token.
var authToken = regexp.MustCompile(`^[A-Za-z0-9_-]{8,200}$`)

// schema describes Config. A Viber channel has no generated token:
// Viber authenticates its callbacks with the signature of their body,
// keyed by the auth token, not with a secret of Switchboard's.
var schema = channel.Schema{Fields: []channel.Field{
	{Name: "auth_token", Type: "string", Title: "Authentication token", Required: true, Secret: true, MaxLength: MaxAuthTokenLen,
		Description: "The bot's token (\"Your app key\" in Viber: More > Settings > Bots > Edit Info), e.g. 445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9."},
	{Name: "sender_name", Type: "string", Title: "Sender name", Required: true, MaxLength: MaxSenderNameLen,
		Description: "The name contacts see on the bot's messages (at most 28 characters)."},
	{Name: "sender_avatar", Type: "url", Title: "Sender avatar URL", MaxLength: limit.URL,
		Description: "A picture shown beside the bot's messages: a public http(s) URL of an image Viber fetches (at most 100 KB, 720×720 recommended)."},
	{Name: "api_base_url", Type: "url", Title: "API URL", MaxLength: limit.URL,
		Description: "Where the REST Bot API is reached; leave the default (" + DefaultAPIBaseURL + ") unless a proxy stands in for it."},
}}

// validateConfig checks and normalises a Viber channel's configuration;
// guard, when not nil, vets the API base URL's address.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	c.AuthToken = strings.TrimSpace(c.AuthToken)
	if c.AuthToken == "" {
		return nil, apperr.Invalid("config.auth_token", "is required")
	}
	if !authToken.MatchString(c.AuthToken) {
		// Never echo the value: it is a credential.
		return nil, apperr.Invalid("config.auth_token", "is not a Viber authentication token (letters, digits and dashes, as Viber shows it)")
	}
	c.SenderName = strings.TrimSpace(c.SenderName)
	if c.SenderName == "" {
		return nil, apperr.Invalid("config.sender_name", "is required: Viber shows it on every message the bot sends")
	}
	if err := limit.Text("config.sender_name", c.SenderName, MaxSenderNameLen); err != nil {
		return nil, err
	}
	c.SenderAvatar = strings.TrimSpace(c.SenderAvatar)
	if c.SenderAvatar != "" {
		if err := limit.Text("config.sender_avatar", c.SenderAvatar, limit.URL); err != nil {
			return nil, err
		}
		// Viber fetches the avatar, not the node: it must be public.
		if _, ok := channel.HTTPURL(c.SenderAvatar); !ok {
			return nil, apperr.Invalid("config.sender_avatar", "must be an http(s) URL Viber can fetch")
		}
	}
	c.APIBaseURL = strings.TrimSpace(c.APIBaseURL)
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	var err error
	if c.APIBaseURL, err = channel.CheckBaseURL("config.api_base_url", c.APIBaseURL, guard); err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// configOf reads a stored channel's configuration: the public fields and
// the sealed auth token; false when the token is missing.
func configOf(ch channel.Channel) (Config, bool) {
	var c Config
	json.Unmarshal(ch.Config, &c)
	if t := ch.Secret("auth_token"); t != "" {
		c.AuthToken = t
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	return c, c.AuthToken != ""
}
