package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// maxTemplatePages bounds how many pages of templates one sync reads.
const maxTemplatePages = 50

// templatePage is one page of GET /{waba_id}/message_templates.
type templatePage struct {
	Data []struct {
		Name       string          `json:"name"`
		Language   string          `json:"language"`
		Status     string          `json:"status"`
		Category   string          `json:"category"`
		Components json.RawMessage `json:"components"`
	} `json:"data"`
	Paging struct {
		Next string `json:"next"`
	} `json:"paging"`
}

// placeholder is a body parameter: {{1}}, or {{name}} in a template with
// named parameters.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// SyncTemplates implements channel.TemplateSyncer: every page of GET
// {base}/{version}/{waba_id}/message_templates (following paging.next on
// the same host), each template with its BODY component's text and how
// many parameters it takes.
func (p *Provider) SyncTemplates(ctx context.Context, ch channel.Channel) ([]channel.Template, error) {
	s, err := load(ch)
	if err != nil || s.AccessToken == "" || s.BusinessAccountID == "" {
		return nil, fmt.Errorf("whatsapp: the channel has no WhatsApp Business Account id or access token configured")
	}
	next := s.graphURL(s.BusinessAccountID, "message_templates") + "?limit=100&fields=name,language,status,category,components"
	base, err := url.Parse(s.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: the Graph API base URL: %w", err)
	}
	out := []channel.Template{}
	for page := 0; next != ""; page++ {
		if page == maxTemplatePages {
			return nil, fmt.Errorf("whatsapp: more than %d pages of templates", maxTemplatePages)
		}
		answer, err := p.call(ctx, http.MethodGet, next, s.AccessToken, nil)
		if err != nil {
			return nil, fmt.Errorf("sync templates: %w", err)
		}
		var tp templatePage
		if err := json.Unmarshal(answer, &tp); err != nil {
			return nil, fmt.Errorf("whatsapp: sync templates: the answer is not a page of templates: %w", err)
		}
		for _, d := range tp.Data {
			if d.Name == "" || d.Language == "" {
				continue
			}
			body, n := bodyOf(d.Components)
			out = append(out, channel.Template{Name: d.Name, Language: d.Language, Status: d.Status, Category: d.Category,
				Body: body, Params: n, Components: d.Components})
		}
		next = tp.Paging.Next
		if next != "" {
			// The token goes only where the channel's API is.
			u, err := url.Parse(next)
			if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
				return nil, fmt.Errorf("whatsapp: sync templates: paging.next leaves the Graph API's host")
			}
		}
	}
	return out, nil
}

// bodyOf is the text of a template's BODY component and the number of
// distinct parameters in it.
func bodyOf(components json.RawMessage) (string, int) {
	var cs []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(components, &cs) != nil {
		return "", 0
	}
	for _, c := range cs {
		if strings.EqualFold(c.Type, "BODY") {
			seen := map[string]bool{}
			for _, m := range placeholder.FindAllStringSubmatch(c.Text, -1) {
				seen[m[1]] = true
			}
			return c.Text, len(seen)
		}
	}
	return "", 0
}
