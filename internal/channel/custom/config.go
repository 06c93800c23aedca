package custom

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Config is the configuration of a custom channel.
type Config struct {
	// BaseURL is where outbound messages go: Switchboard POSTs to BaseURL + "/message".
	BaseURL string `json:"base_url"`
}

// MaxBaseURLLen is the longest base_url, in characters (docs/api.md, "Limits").
const MaxBaseURLLen = limit.URL

// schema describes Config; the token is the channel's generated webhook
// token (channel.Channel.Token), secret.
var schema = channel.Schema{Fields: []channel.Field{
	{Name: "base_url", Type: "url", Title: "Base URL", Required: true, MaxLength: MaxBaseURLLen,
		Description: "Switchboard POSTs outbound messages to <base_url>/message."},
	{Name: "token", Type: "string", Title: "Token", Secret: true, Generated: true,
		Description: "The bearer token of the channel's webhooks and of Switchboard's calls to the integrator; shown once, rotated with POST /api/v1/channels/{id}/rotate-token."},
}}

// validateConfig checks and normalises a custom channel's configuration;
// guard, when not nil, vets the base URL's address.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	if err := limit.Text("config.base_url", c.BaseURL, MaxBaseURLLen); err != nil {
		return nil, err
	}
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, apperr.Invalid("config.base_url", "must be an http(s) URL")
	}
	if guard != nil {
		var denied *netguard.DeniedError
		if err := guard.CheckURL(c.BaseURL); errors.As(err, &denied) {
			return nil, apperr.Invalid("config.base_url", "%s", denied.Reason())
		} else if err != nil {
			return nil, apperr.Invalid("config.base_url", "must be an http(s) URL")
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return json.Marshal(c)
}
