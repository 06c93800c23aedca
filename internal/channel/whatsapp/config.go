package whatsapp

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// Defaults of the Graph API's address.
const (
	DefaultBaseURL = "https://graph.facebook.com"
	DefaultVersion = "v21.0"
)

// Config is a WhatsApp channel's configuration. AccessToken, AppSecret
// and VerifyToken are secret: the channel service seals them and hands
// them back in Channel.SecretConfig.
type Config struct {
	PhoneNumberID     string `json:"phone_number_id"`
	BusinessAccountID string `json:"business_account_id"`
	AccessToken       string `json:"access_token,omitempty"`
	AppSecret         string `json:"app_secret,omitempty"`
	VerifyToken       string `json:"verify_token,omitempty"`
	BaseURL           string `json:"api_base_url,omitempty"`
	Version           string `json:"api_version,omitempty"`
	// ReadReceipts is channel.ReadReceiptsOpened ("" too) or Never.
	ReadReceipts string `json:"read_receipts,omitempty"`
}

// Limits of the configuration's fields.
const (
	maxIDLen     = 64
	maxSecretLen = 1024
	maxURLLen    = limit.URL
)

var (
	digits     = regexp.MustCompile(`^[0-9]+$`)
	versionFmt = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,3}$`)
)

var schema = channel.Schema{Fields: []channel.Field{
	{Name: "phone_number_id", Type: "string", Title: "Phone number ID", Required: true, MaxLength: maxIDLen,
		Description: "The Phone number ID of WhatsApp Manager's API Setup (not the phone number itself)."},
	{Name: "business_account_id", Type: "string", Title: "WhatsApp Business Account ID", Required: true, MaxLength: maxIDLen,
		Description: "The WhatsApp Business Account ID: message templates are read from it."},
	{Name: "access_token", Type: "string", Title: "Access token", Required: true, Secret: true, MaxLength: maxSecretLen,
		Description: "A system user's permanent token with whatsapp_business_messaging and whatsapp_business_management."},
	{Name: "app_secret", Type: "string", Title: "App secret", Required: true, Secret: true, MaxLength: maxSecretLen,
		Description: "The Meta app's secret (App settings → Basic): every webhook's X-Hub-Signature-256 is checked with it."},
	{Name: "verify_token", Type: "string", Title: "Verify token", Secret: true, MaxLength: maxSecretLen,
		Description: "The Verify token to paste in the app's webhook settings; left empty, the channel's generated token is the verify token."},
	{Name: "token", Type: "string", Title: "Generated token", Secret: true, Generated: true,
		Description: "Made by Switchboard: the verify token when none is given; shown once, rotated with POST /api/v1/channels/{id}/rotate-token."},
	{Name: "api_base_url", Type: "url", Title: "Graph API base URL", MaxLength: maxURLLen,
		Description: "Default " + DefaultBaseURL + "; change it only for a proxy."},
	{Name: "api_version", Type: "string", Title: "Graph API version", MaxLength: 10,
		Description: "Default " + DefaultVersion + "."},
	channel.ReadReceiptsField,
}}

// validateConfig checks and normalises a configuration; guard, when not
// nil, vets the base URL's address.
func validateConfig(raw json.RawMessage, guard *netguard.Guard) (json.RawMessage, error) {
	var c Config
	if err := channel.DecodeConfig(raw, &c); err != nil {
		return nil, err
	}
	c.PhoneNumberID = strings.TrimSpace(c.PhoneNumberID)
	c.BusinessAccountID = strings.TrimSpace(c.BusinessAccountID)
	c.AccessToken = strings.TrimSpace(c.AccessToken)
	c.AppSecret = strings.TrimSpace(c.AppSecret)
	c.VerifyToken = strings.TrimSpace(c.VerifyToken)
	for _, f := range []struct{ name, value string }{{"phone_number_id", c.PhoneNumberID}, {"business_account_id", c.BusinessAccountID}} {
		if f.value == "" {
			return nil, apperr.Invalid("config."+f.name, "is required")
		}
		if len(f.value) > maxIDLen || !digits.MatchString(f.value) {
			return nil, apperr.Invalid("config."+f.name, "must be the numeric id WhatsApp Manager shows")
		}
	}
	for _, f := range []struct {
		name, value string
		required    bool
	}{{"access_token", c.AccessToken, true}, {"app_secret", c.AppSecret, true}, {"verify_token", c.VerifyToken, false}} {
		if f.required && f.value == "" {
			return nil, apperr.Invalid("config."+f.name, "is required")
		}
		if err := limit.Text("config."+f.name, f.value, maxSecretLen); err != nil {
			return nil, err
		}
	}
	if err := channel.CheckReadReceipts(c.ReadReceipts); err != nil {
		return nil, err
	}
	if c.Version == "" {
		c.Version = DefaultVersion
	}
	if !versionFmt.MatchString(c.Version) {
		return nil, apperr.Invalid("config.api_version", "must be a Graph API version such as %s", DefaultVersion)
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	var err error
	if c.BaseURL, err = channel.CheckBaseURL("config.api_base_url", c.BaseURL, guard); err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// settings is a channel's configuration with its secrets, as the
// provider's calls need it.
type settings struct {
	Config
	token string // the channel's generated token
}

// load reads ch's configuration and secrets.
func load(ch channel.Channel) (settings, error) {
	var s settings
	if err := json.Unmarshal(ch.Config, &s.Config); err != nil {
		return s, errors.New("whatsapp: the channel's configuration is not readable")
	}
	s.AccessToken = ch.Secret("access_token")
	s.AppSecret = ch.Secret("app_secret")
	s.VerifyToken = ch.Secret("verify_token")
	s.token = ch.Token
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.Version == "" {
		s.Version = DefaultVersion
	}
	return s, nil
}

// verifyToken is the token Meta's subscription check must present: the
// one given, else the channel's generated token.
func (s settings) verifyToken() string {
	if s.VerifyToken != "" {
		return s.VerifyToken
	}
	return s.token
}

// graphURL is the Graph API URL of path under the configured version.
func (s settings) graphURL(path ...string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/" + s.Version + "/" + strings.Join(path, "/")
}
