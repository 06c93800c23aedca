package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// WhatsApp's templates through Twilio are Content templates: made and
// submitted to WhatsApp in Twilio's Content Template Builder, listed with
// their approval by the Content API, sent by their Content SID with the
// values of their {{1}}, {{2}}… as ContentVariables.

// DefaultContentBaseURL is Twilio's Content API.
const DefaultContentBaseURL = "https://content.twilio.com"

// maxContentPages bounds a sync: 500 templates a page.
const maxContentPages = 20

var (
	_ channel.TemplateSyncer   = (*Provider)(nil)
	_ channel.TemplateChannels = (*Provider)(nil)
)

// contentBase is where the Content API is called: Twilio's, or the
// channel's api_base_url when it names another (a proxy, a test server:
// it then serves both APIs' paths).
func contentBase(cfg Config) string {
	if cfg.APIBaseURL == "" || cfg.APIBaseURL == DefaultAPIBaseURL {
		return DefaultContentBaseURL
	}
	return cfg.APIBaseURL
}

// HasTemplates implements channel.TemplateChannels: a WhatsApp channel
// has templates, an SMS one none.
func (*Provider) HasTemplates(ch channel.Channel) bool {
	cfg, err := config(ch)
	return err == nil && cfg.Medium == MediumWhatsApp
}

// contentPage is a page of GET /v1/ContentAndApprovals.
type contentPage struct {
	Contents []contentResource `json:"contents"`
	Meta     struct {
		NextPageURL string `json:"next_page_url"`
	} `json:"meta"`
}

// contentResource is a Content template with its approval: types holds
// one entry per content type ("twilio/text": {"body": …}, "twilio/quick-reply",
// "twilio/card"…).
type contentResource struct {
	SID              string                     `json:"sid"`
	FriendlyName     string                     `json:"friendly_name"`
	Language         string                     `json:"language"`
	Variables        map[string]string          `json:"variables"`
	Types            map[string]json.RawMessage `json:"types"`
	ApprovalRequests json.RawMessage            `json:"approval_requests"`
}

// approval is WhatsApp's verdict on a Content template.
type approval struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Status   string `json:"status"`
}

// whatsAppApproval reads a template's approval: the list names it
// approval_requests, flat, where the approval's own resource nests it
// under "whatsapp" (both are taken).
func whatsAppApproval(raw json.RawMessage) approval {
	var nested struct {
		WhatsApp *approval `json:"whatsapp"`
	}
	if json.Unmarshal(raw, &nested) == nil && nested.WhatsApp != nil {
		return *nested.WhatsApp
	}
	var a approval
	json.Unmarshal(raw, &a)
	return a
}

// bodyTypes are the content types whose text is the template's body, in
// the order one is looked for.
var bodyTypes = []string{"twilio/text", "twilio/quick-reply", "twilio/call-to-action", "twilio/media", "twilio/card", "whatsapp/card", "twilio/list-picker"}

// variable is a Content template's {{1}}.
var variable = regexp.MustCompile(`\{\{\s*([0-9]+)\s*\}\}`)

// templateOf turns a Content template into a channel's template: its
// friendly name and language, WhatsApp's status (UNSUBMITTED before it
// was submitted), the body of its first content type that has one, and
// as many parameters as it has variables, wherever they stand (a body, a
// button's URL, a card's media).
func templateOf(c contentResource) channel.Template {
	a := whatsAppApproval(c.ApprovalRequests)
	status := strings.ToUpper(strings.TrimSpace(a.Status))
	if status == "" {
		status = "UNSUBMITTED"
	}
	body := ""
	for _, t := range bodyTypes {
		var v struct {
			Body  string `json:"body"`
			Title string `json:"title"`
		}
		if raw, ok := c.Types[t]; ok && json.Unmarshal(raw, &v) == nil {
			if body = v.Body; body == "" {
				body = v.Title
			}
			if body != "" {
				break
			}
		}
	}
	types, _ := json.Marshal(c.Types)
	seen := map[string]bool{}
	for _, m := range variable.FindAllStringSubmatch(string(types), -1) {
		seen[m[1]] = true
	}
	for k := range c.Variables {
		seen[k] = true
	}
	return channel.Template{Name: c.FriendlyName, Language: c.Language, Status: status, Category: a.Category,
		Body: body, Params: len(seen), Components: types, Ref: c.SID}
}

// SyncTemplates implements channel.TemplateSyncer: every page of GET
// {content API}/v1/ContentAndApprovals with the account's credentials
// (following meta.next_page_url on the same host).
func (p *Provider) SyncTemplates(ctx context.Context, ch channel.Channel) ([]channel.Template, error) {
	cfg, err := config(ch)
	if err != nil || cfg.AccountSID == "" || cfg.AuthToken == "" {
		return nil, fmt.Errorf("twilio: the channel has no Twilio account configured")
	}
	base, err := url.Parse(contentBase(cfg))
	if err != nil {
		return nil, fmt.Errorf("twilio: the Content API's base URL: %w", err)
	}
	next := base.String() + "/v1/ContentAndApprovals?PageSize=500"
	out := []channel.Template{}
	for page := 0; next != ""; page++ {
		if page == maxContentPages {
			return nil, fmt.Errorf("twilio: more than %d pages of Content templates", maxContentPages)
		}
		var cp contentPage
		if err := p.getJSON(ctx, cfg, next, &cp); err != nil {
			return nil, fmt.Errorf("sync templates: %w", err)
		}
		for _, c := range cp.Contents {
			if c.SID == "" || c.FriendlyName == "" || c.Language == "" {
				continue
			}
			out = append(out, templateOf(c))
		}
		if next = cp.Meta.NextPageURL; next != "" {
			// The credentials go only where the channel's API is.
			u, err := url.Parse(next)
			if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
				return nil, fmt.Errorf("twilio: sync templates: next_page_url leaves the Content API's host")
			}
		}
	}
	return out, nil
}

// getJSON GETs u with the account's credentials and decodes its JSON
// answer into v; an answer that is not 2xx is Twilio's error.
func (p *Provider) getJSON(ctx context.Context, cfg Config, u string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(cfg.AccountSID, cfg.AuthToken)
	resp, err := p.client.Do(req)
	if err != nil {
		return guardError(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxContentAnswer))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return classify(resp.StatusCode, resp.Header, answer)
	}
	if err := json.Unmarshal(answer, v); err != nil {
		return fmt.Errorf("the answer is not a page of Content templates: %w", err)
	}
	return nil
}

// maxContentAnswer bounds a page of Content templates.
const maxContentAnswer = 8 << 20

// templateForm is the ContentSid and ContentVariables of a template
// message (channel.RenderedTemplate's content: its ref and its params, a
// list for {{1}}, {{2}}… or an object by name).
func templateForm(m conversation.Message) (url.Values, error) {
	var c struct {
		Ref    string          `json:"ref"`
		Params json.RawMessage `json:"params"`
	}
	if json.Unmarshal(m.Content, &c) != nil || strings.TrimSpace(c.Ref) == "" {
		return nil, outbound.Permanent("the template has no Content SID: sync the channel's templates and send it again")
	}
	vars := map[string]string{}
	var list []string
	switch {
	case json.Unmarshal(c.Params, &list) == nil:
		for i, v := range list {
			vars[fmt.Sprint(i+1)] = v
		}
	case json.Unmarshal(c.Params, &vars) == nil:
	default:
		vars = map[string]string{}
	}
	form := url.Values{"ContentSid": {c.Ref}}
	if len(vars) > 0 {
		raw, _ := json.Marshal(vars)
		form.Set("ContentVariables", string(raw))
	}
	return form, nil
}
