package telegram

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// DefaultAPIBaseURL is the Bot API's address.
const DefaultAPIBaseURL = "https://api.telegram.org"

// Config is the configuration of a Telegram channel.
type Config struct {
	// BotToken is the token @BotFather gave the bot ("123456:ABC-…"). Secret.
	BotToken string `json:"bot_token"`
	// APIBaseURL is where the Bot API is reached: methods are called at
	// <api_base_url>/bot<token>/<method> and files downloaded from
	// <api_base_url>/file/bot<token>/<path>. A local Bot API server or a
	// proxy may stand in for Telegram's.
	APIBaseURL string `json:"api_base_url"`
}

// MaxBotTokenLen bounds a bot token; Telegram's are about 46 characters.
const MaxBotTokenLen = 200

// botToken is the shape of a bot token: the bot's id, a colon, a secret.
var botToken = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{1,180}$`)

// schema describes Config. The webhook's secret token is the channel's
// generated token (channel.Channel.Token): base64url of 24 random bytes,
// 32 characters of A-Z a-z 0-9 _ -, which is what setWebhook's
// secret_token accepts (1–256 of those).
var schema = channel.Schema{Fields: []channel.Field{
	{Name: "bot_token", Type: "string", Title: "Bot token", Required: true, Secret: true, MaxLength: MaxBotTokenLen,
		Description: "The token @BotFather gave your bot, e.g. 123456789:AAH…"},
	{Name: "api_base_url", Type: "url", Title: "Bot API URL", MaxLength: limit.URL,
		Description: "Where the Bot API is reached; leave the default (" + DefaultAPIBaseURL + ") unless you run a local Bot API server or a proxy."},
	{Name: "token", Type: "string", Title: "Webhook secret token", Secret: true, Generated: true,
		Description: "Sent by Telegram in X-Telegram-Bot-Api-Secret-Token with every update; Switchboard registers it with setWebhook when the channel is saved."},
}}

// validateConfig checks and normalises a Telegram channel's
// configuration; guard, when not nil, vets the API base URL's address.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	c.BotToken = strings.TrimSpace(c.BotToken)
	if c.BotToken == "" {
		return nil, apperr.Invalid("config.bot_token", "is required")
	}
	if len(c.BotToken) > MaxBotTokenLen || !botToken.MatchString(c.BotToken) {
		// Never echo the value: it is a credential.
		return nil, apperr.Invalid("config.bot_token", "is not a bot token (the bot's id, a colon and its secret, as @BotFather gives it)")
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
// the sealed bot token.
func configOf(ch channel.Channel) (Config, bool) {
	var c Config
	json.Unmarshal(ch.Config, &c)
	if t := ch.Secret("bot_token"); t != "" {
		c.BotToken = t
	}
	if c.APIBaseURL == "" {
		c.APIBaseURL = DefaultAPIBaseURL
	}
	c.APIBaseURL = strings.TrimRight(c.APIBaseURL, "/")
	return c, c.BotToken != ""
}
