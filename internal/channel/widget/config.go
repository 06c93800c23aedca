package widget

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/idna"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// Config is the configuration of a website widget channel: who may embed
// it and how it looks.
type Config struct {
	// AllowedOrigins are the sites that may embed the widget, as origins
	// (https://www.example.com, http://localhost:8080). A page of any
	// other origin is refused by the visitor API.
	AllowedOrigins []string `json:"allowed_origins"`
	// Color is the launcher's and the visitor's bubbles' colour, #rrggbb.
	Color string `json:"color"`
	// Greeting is the first line the panel shows, before any message.
	Greeting string `json:"greeting"`
	// AwayMessage is what the panel says under its title while nobody of
	// the team is online (empty: the widget's own words, "We'll reply as
	// soon as we can").
	AwayMessage string `json:"away_message,omitempty"`
	// Position is the corner of the launcher: "right" or "left".
	Position string `json:"position"`
	// PreChatForm asks the visitor's name and email before the first
	// message; they fill the contact.
	PreChatForm bool `json:"pre_chat_form"`
}

// Limits of the configuration (docs/widget.md).
const (
	MaxOrigins     = 20
	MaxOriginLen   = limit.URL
	MaxGreetingLen = 500 // the greeting's and the away message's
	DefaultColor   = "#2563eb"
)

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// schema describes Config. allowed_origins is a list of strings.
var schema = channel.Schema{Fields: []channel.Field{
	{Name: "allowed_origins", Type: "string_list", Title: "Allowed origins", Required: true,
		Description: "The sites that may embed the widget, one origin each (scheme://host[:port]); a page of any other origin is refused."},
	{Name: "color", Type: "string", Title: "Colour", MaxLength: 7, Description: "The launcher's colour, #rrggbb (default " + DefaultColor + ")."},
	{Name: "greeting", Type: "string", Title: "Greeting", MaxLength: MaxGreetingLen, Description: "Shown at the top of the panel."},
	{Name: "away_message", Type: "string", Title: "Away message", MaxLength: MaxGreetingLen,
		Description: "Shown under the title while nobody of the team is online (default: \"We'll reply as soon as we can\")."},
	{Name: "position", Type: "string", Title: "Position", Description: "The launcher's corner: right (default) or left.", Options: []string{"right", "left"}},
	{Name: "pre_chat_form", Type: "boolean", Title: "Pre-chat form", Description: "Ask the visitor's name and email before the first message."},
	{Name: "token", Type: "string", Title: "Token", Secret: true, Generated: true,
		Description: "Signs the visitors' credentials; rotating it (POST /api/v1/channels/{id}/rotate-token) signs every visitor out."},
}}

// validateConfig checks and normalises a widget's configuration.
func validateConfig(raw json.RawMessage) (json.RawMessage, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, apperr.Invalid("config", "must be an object of the widget's settings: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	if len(c.AllowedOrigins) == 0 {
		return nil, apperr.Invalid("config.allowed_origins", "name at least one origin that may embed the widget (e.g. https://www.example.com)")
	}
	if len(c.AllowedOrigins) > MaxOrigins {
		return nil, apperr.Invalid("config.allowed_origins", "at most %d origins", MaxOrigins)
	}
	seen := map[string]bool{}
	origins := make([]string, 0, len(c.AllowedOrigins))
	for _, o := range c.AllowedOrigins {
		norm, err := normalizeOrigin(o)
		if err != nil {
			return nil, err
		}
		if !seen[norm] {
			seen[norm] = true
			origins = append(origins, norm)
		}
	}
	c.AllowedOrigins = origins
	c.Color = strings.TrimSpace(c.Color)
	if c.Color == "" {
		c.Color = DefaultColor
	}
	if !colorRE.MatchString(c.Color) {
		return nil, apperr.Invalid("config.color", "must be a colour as #rrggbb")
	}
	c.Color = strings.ToLower(c.Color)
	c.Greeting = strings.TrimSpace(limit.Clean(c.Greeting))
	if err := limit.Text("config.greeting", c.Greeting, MaxGreetingLen); err != nil {
		return nil, err
	}
	c.AwayMessage = strings.TrimSpace(limit.Clean(c.AwayMessage))
	if err := limit.Text("config.away_message", c.AwayMessage, MaxGreetingLen); err != nil {
		return nil, err
	}
	switch c.Position {
	case "":
		c.Position = "right"
	case "left", "right":
	default:
		return nil, apperr.Invalid("config.position", "must be left or right")
	}
	return json.Marshal(c)
}

// originIDNA maps a host name as browsers do (UTS #46, non-transitional)
// without refusing what they accept in a host, such as an underscore.
var originIDNA = idna.New(idna.MapForLookup(), idna.StrictDomainName(false))

// normalizeOrigin checks one allowed origin and returns it as browsers
// send it in the Origin header: scheme://host[:port], lower case, no path,
// an international domain name in its ASCII form (bücher.example is sent
// as xn--bcher-kva.example: kept as typed, it never matched).
func normalizeOrigin(o string) (string, error) {
	o = strings.TrimSpace(o)
	if err := limit.Text("config.allowed_origins", o, MaxOriginLen); err != nil {
		return "", err
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", apperr.Invalid("config.allowed_origins", "%q is not an origin: write scheme://host[:port], without a path (e.g. https://www.example.com)", limit.Clip(o, 80))
	}
	host := strings.ToLower(u.Host)
	if name := u.Hostname(); !strings.Contains(name, ":") { // not an IPv6 address
		ascii, err := originIDNA.ToASCII(strings.ToLower(name))
		if err != nil || ascii == "" {
			return "", apperr.Invalid("config.allowed_origins", "%q is not an origin: its host is no domain name", limit.Clip(o, 80))
		}
		host = ascii
		if port := u.Port(); port != "" {
			host += ":" + port
		}
	}
	// The default port is left out by browsers.
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndex(host, ":")]
	}
	return u.Scheme + "://" + host, nil
}

// parseConfig reads a stored (validated) configuration.
func parseConfig(raw json.RawMessage) Config {
	var c Config
	_ = json.Unmarshal(raw, &c)
	if c.Color == "" {
		c.Color = DefaultColor
	}
	if c.Position == "" {
		c.Position = "right"
	}
	return c
}

// allows reports whether a page of origin may embed the widget.
func (c Config) allows(origin string) bool {
	if origin == "" {
		return false
	}
	norm, err := normalizeOrigin(origin)
	if err != nil {
		return false
	}
	for _, o := range c.AllowedOrigins {
		if o == norm {
			return true
		}
	}
	return false
}
