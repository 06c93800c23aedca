package line

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// The Messaging API's two hosts: api-data.line.me serves the content of
// the files users send; every other endpoint is on api.line.me.
const (
	DefaultAPIBaseURL     = "https://api.line.me"
	DefaultDataAPIBaseURL = "https://api-data.line.me"
)

// The secret fields of the configuration.
const (
	fieldChannelSecret = "channel_secret"
	fieldAccessToken   = "channel_access_token"
)

// Config is a LINE channel's configuration as Validate takes it; the
// secret members are split off and sealed by the channel service, and
// found again in Channel.SecretConfig.
type Config struct {
	// ChannelSecret is the Messaging API channel's secret (Basic
	// settings): the key of every webhook's X-Line-Signature. Secret.
	ChannelSecret string `json:"channel_secret,omitempty"`
	// ChannelAccessToken is a channel access token (Messaging API tab):
	// the Bearer credential of every API call. Secret.
	ChannelAccessToken string `json:"channel_access_token,omitempty"`
	// APIBaseURL and DataAPIBaseURL are where the Messaging API is
	// reached; a proxy (or a test's server) may stand in for LINE's.
	APIBaseURL     string `json:"api_base_url"`
	DataAPIBaseURL string `json:"data_api_base_url"`
}

// Bounds of the credentials, in characters. A channel secret is 32
// hexadecimal characters; a long-lived access token about 170, a
// stateless or v2.1 one (a JWT) several hundred.
const (
	MaxChannelSecretLen = 128
	MaxAccessTokenLen   = 2000
)

var (
	// channelSecret is the shape accepted for a channel secret: letters
	// and digits, so a pasted access token (which has "+", "/" or "=")
	// or a sentence is refused with a clear message.
	channelSecret = regexp.MustCompile(`^[A-Za-z0-9]{16,128}$`)
	// accessToken: the characters of base64 and of a JWT.
	accessToken = regexp.MustCompile(`^[A-Za-z0-9+/=._-]+$`)
)

// schema describes Config. No generated token: LINE authenticates its
// webhooks with the signature under the channel secret.
var schema = channel.Schema{Fields: []channel.Field{
	{Name: fieldChannelSecret, Type: "string", Title: "Channel secret", Required: true, Secret: true, MaxLength: MaxChannelSecretLen,
		Description: "The Messaging API channel's secret (LINE Developers Console → Basic settings): every webhook's X-Line-Signature is checked with it."},
	{Name: fieldAccessToken, Type: "string", Title: "Channel access token", Required: true, Secret: true, MaxLength: MaxAccessTokenLen,
		Description: "A channel access token (Messaging API tab → Channel access token, long-lived), with which messages are sent and files fetched."},
	{Name: "api_base_url", Type: "url", Title: "Messaging API URL", MaxLength: limit.URL,
		Description: "Default " + DefaultAPIBaseURL + "; set it only for a proxy."},
	{Name: "data_api_base_url", Type: "url", Title: "Content API URL", MaxLength: limit.URL,
		Description: "Where the files contacts send are downloaded from. Default " + DefaultDataAPIBaseURL + "; set it only for a proxy."},
}}

// validateConfig checks and normalises a LINE channel's configuration;
// guard, when not nil, vets the two base URLs' addresses. The
// credentials are never echoed in an error.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	c.ChannelSecret = strings.TrimSpace(c.ChannelSecret)
	switch {
	case c.ChannelSecret == "":
		return nil, apperr.Invalid("config."+fieldChannelSecret, "is required")
	case !channelSecret.MatchString(c.ChannelSecret):
		return nil, apperr.Invalid("config."+fieldChannelSecret, "is not a channel secret (letters and digits, 32 of them as the console shows it)")
	}
	// A long token pasted from the console may carry line breaks, or
	// come with the "Bearer " of a curl example.
	tok := strings.TrimSpace(c.ChannelAccessToken)
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		tok = tok[7:]
	}
	c.ChannelAccessToken = strings.Join(strings.Fields(tok), "")
	switch {
	case c.ChannelAccessToken == "":
		return nil, apperr.Invalid("config."+fieldAccessToken, "is required")
	case len(c.ChannelAccessToken) < 20 || len(c.ChannelAccessToken) > MaxAccessTokenLen || !accessToken.MatchString(c.ChannelAccessToken):
		return nil, apperr.Invalid("config."+fieldAccessToken, "is not a channel access token (20 to %d characters of A-Z a-z 0-9 + / = . _ -)", MaxAccessTokenLen)
	case c.ChannelAccessToken == c.ChannelSecret:
		return nil, apperr.Invalid("config."+fieldAccessToken, "is the channel secret: issue a channel access token on the Messaging API tab")
	}
	var err error
	for _, u := range []struct {
		field, def string
		v          *string
	}{{"config.api_base_url", DefaultAPIBaseURL, &c.APIBaseURL}, {"config.data_api_base_url", DefaultDataAPIBaseURL, &c.DataAPIBaseURL}} {
		if strings.TrimSpace(*u.v) == "" {
			*u.v = u.def
		}
		if *u.v, err = channel.CheckBaseURL(u.field, *u.v, guard); err != nil {
			return nil, err
		}
	}
	return json.Marshal(c)
}

// configOf reads a stored channel's configuration: the public fields and
// the sealed credentials. ok is false without an access token.
func configOf(ch channel.Channel) (Config, bool) {
	var c Config
	json.Unmarshal(ch.Config, &c)
	if s := ch.Secret(fieldChannelSecret); s != "" {
		c.ChannelSecret = s
	}
	if t := ch.Secret(fieldAccessToken); t != "" {
		c.ChannelAccessToken = t
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	if c.DataAPIBaseURL == "" {
		c.DataAPIBaseURL = DefaultDataAPIBaseURL
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	c.DataAPIBaseURL = strings.TrimRight(c.DataAPIBaseURL, "/")
	return c, c.ChannelAccessToken != ""
}
