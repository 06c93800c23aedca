package messenger

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Defaults of the Graph API's address.
const (
	DefaultGraphURL     = "https://graph.facebook.com"
	DefaultGraphVersion = "v24.0"
)

// Secret fields of the configuration.
const (
	fieldAccessToken = "access_token"
	fieldAppSecret   = "app_secret"
	fieldVerifyToken = "verify_token"
)

// MaxSecretLen bounds a token or secret, in characters.
const MaxSecretLen = 1000

// Config is a Messenger or Instagram channel's configuration as Validate
// takes it; the secret members are split off and sealed by the channel
// service, and found again in Channel.SecretConfig.
type Config struct {
	PageID    string `json:"page_id,omitempty"`    // Messenger: the Facebook Page's id
	AccountID string `json:"account_id,omitempty"` // Instagram: the professional account's id
	// GraphURL and GraphVersion say where the Graph API is: requests go
	// to <graph_url>/<graph_version>/….
	GraphURL     string `json:"graph_url"`
	GraphVersion string `json:"graph_version"`
	// HumanAgent: the page's (or account's) app has Meta's Human Agent
	// permission, so replies may be sent up to 7 days after the
	// contact's last message with the HUMAN_AGENT tag.
	HumanAgent bool `json:"human_agent"`
	// ReadReceipts is channel.ReadReceiptsOpened ("" too) or Never.
	ReadReceipts string `json:"read_receipts,omitempty"`

	AccessToken string `json:"access_token,omitempty"`
	AppSecret   string `json:"app_secret,omitempty"`
	VerifyToken string `json:"verify_token,omitempty"`
}

// id is the page or account id the channel was configured with.
func (c Config) id() string {
	if c.PageID != "" {
		return c.PageID
	}
	return c.AccountID
}

// endpoint is the Graph API URL of path (which starts with "/").
func (c Config) endpoint(path string) string {
	base, version := c.GraphURL, c.GraphVersion
	if base == "" {
		base = DefaultGraphURL
	}
	if version == "" {
		version = DefaultGraphVersion
	}
	return strings.TrimRight(base, "/") + "/" + version + path
}

// configOf reads a stored channel's configuration with its secrets.
func configOf(ch channel.Channel) (Config, error) {
	var c Config
	if err := json.Unmarshal(ch.Config, &c); err != nil {
		return c, err
	}
	c.AccessToken = ch.Secret(fieldAccessToken)
	c.AppSecret = ch.Secret(fieldAppSecret)
	c.VerifyToken = ch.Secret(fieldVerifyToken)
	return c, nil
}

func (p platform) schema() channel.Schema {
	return channel.Schema{Fields: []channel.Field{
		{Name: p.idField, Type: "string", Title: p.idTitle, Required: true, MaxLength: maxIDLen,
			Description: p.idDescription()},
		{Name: fieldAccessToken, Type: "string", Title: "Page access token", Required: true, Secret: true, MaxLength: MaxSecretLen,
			Description: "A long-lived Page access token with the " + p.permission() + " permission."},
		{Name: fieldAppSecret, Type: "string", Title: "App secret", Required: true, Secret: true, MaxLength: MaxSecretLen,
			Description: "The Meta app's secret (App settings → Basic): every webhook delivery is checked against its X-Hub-Signature-256."},
		{Name: fieldVerifyToken, Type: "string", Title: "Verify token", Required: true, Secret: true, MaxLength: MaxSecretLen,
			Description: "Any string you choose, entered again as the webhook's Verify Token in the Meta app."},
		{Name: "graph_url", Type: "url", Title: "Graph API URL", MaxLength: limit.URL,
			Description: "Default " + DefaultGraphURL + "; set it only for a proxy."},
		{Name: "graph_version", Type: "string", Title: "Graph API version", MaxLength: 10,
			Description: "Default " + DefaultGraphVersion + "."},
		{Name: "human_agent", Type: "boolean", Title: "Human Agent permission",
			Description: "The app has Meta's Human Agent permission: agents may reply up to 7 days after the contact's last message (tagged HUMAN_AGENT) instead of 24 hours."},
		channel.ReadReceiptsField,
	}}
}

func (p platform) idDescription() string {
	if p.typ == TypeInstagram {
		return "The Instagram professional account's id (the entry id of its webhooks)."
	}
	return "The Facebook Page's id (Page settings → About, or the entry id of its webhooks)."
}

func (p platform) permission() string {
	if p.typ == TypeInstagram {
		return "instagram_manage_messages"
	}
	return "pages_messaging"
}

// maxIDLen bounds a page or account id, in characters.
const maxIDLen = 64

var (
	numericID = regexp.MustCompile(`^[0-9]{1,64}$`)
	versionRe = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,3}$`)
)

// validate checks and normalises a configuration; guard, when not nil,
// vets the Graph API URL's address.
func (p platform) validate(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	// The other platform's id is not a setting of this one.
	if p.idField == "page_id" && c.AccountID != "" {
		return nil, apperr.Invalid("config.account_id", "is not a setting of a %s channel (it has page_id)", p.name)
	}
	if p.idField == "account_id" && c.PageID != "" {
		return nil, apperr.Invalid("config.page_id", "is not a setting of an %s channel (it has account_id)", p.name)
	}
	if id := strings.TrimSpace(c.id()); !numericID.MatchString(id) {
		return nil, apperr.Invalid("config."+p.idField, "is required: the numeric id Meta shows")
	}
	for _, s := range []struct {
		name  string
		value *string
	}{{fieldAccessToken, &c.AccessToken}, {fieldAppSecret, &c.AppSecret}, {fieldVerifyToken, &c.VerifyToken}} {
		*s.value = strings.TrimSpace(*s.value)
		if *s.value == "" {
			return nil, apperr.Invalid("config."+s.name, "is required")
		}
		if err := limit.Text("config."+s.name, *s.value, MaxSecretLen); err != nil {
			return nil, err
		}
	}
	if err := channel.CheckReadReceipts(c.ReadReceipts); err != nil {
		return nil, err
	}
	if c.GraphVersion == "" {
		c.GraphVersion = DefaultGraphVersion
	}
	if !versionRe.MatchString(c.GraphVersion) {
		return nil, apperr.Invalid("config.graph_version", "must be a Graph API version such as %s", DefaultGraphVersion)
	}
	if c.GraphURL == "" {
		c.GraphURL = DefaultGraphURL
	}
	var err error
	if c.GraphURL, err = channel.CheckBaseURL("config.graph_url", c.GraphURL, guard); err != nil {
		return nil, err
	}
	c.PageID, c.AccountID = strings.TrimSpace(c.PageID), strings.TrimSpace(c.AccountID)
	return json.Marshal(c)
}
