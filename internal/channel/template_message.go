package channel

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/limit"
)

// A template message, whoever sends it (an agent through the composer or
// the API, a workflow's Send a Message step), is checked here against the
// template as its channel last synced it, and rendered here: what WhatsApp
// would refuse once the message was accepted (a template not approved,
// parameters missing or empty, a header it does not expect) is refused
// before anything is stored, and the timeline shows what the contact
// reads, not what the sender wrote.

// TemplateMessage is a template message as asked for.
type TemplateMessage struct {
	Name     string
	Language string
	// Params fill the body's {{1}}, {{2}}… in order; for a template with
	// named parameters ({{first_name}}), in the order the body first
	// names them.
	Params []string
	// Named fills a template's named parameters by name (the composer's
	// object), in place of Params.
	Named map[string]string
	// Header fills the template's header parameter, when it has one.
	Header *TemplateHeader
	// Fill renders each value as it is sent (a workflow step's
	// variables); nil sends the values as given.
	Fill func(string) string
	// By is who gives the values, as a refusal names them: "the step",
	// "the message".
	By string
}

// TemplateHeader is the parameter of a template's header: a text
// header's {{1}} (or its named parameter), or the link of an image, video
// or document header, which WhatsApp fetches.
type TemplateHeader struct {
	Type     string `json:"type"` // text, image, video, document
	Text     string `json:"text,omitempty"`
	URL      string `json:"url,omitempty"`
	FileName string `json:"file_name,omitempty"` // a document's, as the contact sees it
}

// TemplateProblem is why a template message cannot be sent: Field is the
// part of the message at fault (name, params, header), Message says why
// in words the person who asked can act on.
type TemplateProblem struct {
	Field   string
	Message string
}

func (p *TemplateProblem) Error() string { return "channel: template: " + p.Message }

func templateProblem(field, format string, args ...any) *TemplateProblem {
	return &TemplateProblem{Field: field, Message: fmt.Sprintf(format, args...)}
}

// RenderedTemplate is a template message ready to send.
type RenderedTemplate struct {
	// Content is the message's content as the senders read it:
	// {"type": "template", "name", "language", "params", "header"?,
	// "ref"?}, the params a list, or an object by name for a template
	// with named parameters; ref is the template's id at its provider.
	Content map[string]any
	// Text is what the contact reads: a text header's line, then the
	// body with its values.
	Text string
	// Params are the body's values as sent, in order.
	Params []string
}

// Render checks m against tpl, the template as its channel last synced
// it, and renders it; a *TemplateProblem says what is wrong.
func (m TemplateMessage) Render(tpl Template) (RenderedTemplate, error) {
	name, lang := strings.TrimSpace(m.Name), strings.TrimSpace(m.Language)
	fill := m.Fill
	if fill == nil {
		fill = func(s string) string { return s }
	}
	if tpl.Status != "" && !strings.EqualFold(tpl.Status, "APPROVED") {
		return RenderedTemplate{}, templateProblem("name", "template %q (%s) is %s, not approved: only approved templates can be sent", name, lang, tpl.Status)
	}
	names := namedParams(tpl.Body)
	given := m.Params
	if m.Named != nil {
		var err error
		if given, err = m.byName(names); err != nil {
			return RenderedTemplate{}, err
		}
	}
	params := make([]string, len(given))
	for i, p := range given {
		params[i] = fill(p)
	}
	want := tpl.Params
	if len(names) > 0 {
		want = len(names)
	}
	if len(params) != want {
		return RenderedTemplate{}, templateProblem("params", "template %q (%s) takes %d parameters; %s gives %d", name, lang, want, m.By, len(params))
	}
	for i, p := range params {
		// WhatsApp refuses the message for an empty parameter, once it
		// was accepted: a contact without the field fails it here.
		if strings.TrimSpace(p) == "" {
			msg := fmt.Sprintf("parameter %d of template %q is empty", i+1, name)
			if m.Fill != nil {
				msg += fmt.Sprintf(" (%s renders to nothing)", given[i])
			}
			return RenderedTemplate{}, &TemplateProblem{Field: "params", Message: msg}
		}
	}
	content := map[string]any{"type": "template", "name": name, "language": lang, "params": params}
	if tpl.Ref != "" {
		content["ref"] = tpl.Ref // a provider that sends by id finds it here
	}
	headerLine, err := m.header(tpl, fill, content)
	if err != nil {
		return RenderedTemplate{}, err
	}
	values := map[string]string{}
	for i, p := range params {
		values[fmt.Sprint(i+1)] = p
	}
	if len(names) > 0 {
		values = map[string]string{}
		for i, n := range names {
			values[n] = params[i]
		}
		content["params"] = values
	}
	// The timeline shows the template as the contact reads it: a text
	// header's line, then the body.
	text := placeholder.ReplaceAllStringFunc(tpl.Body, func(p string) string {
		if v, ok := values[placeholder.FindStringSubmatch(p)[1]]; ok {
			return v
		}
		return p
	})
	if headerLine != "" {
		text = headerLine + "\n" + text
	}
	return RenderedTemplate{Content: content, Text: text, Params: params}, nil
}

// byName lists the values of m.Named in the order the body names them
// (names), all of them and no others.
func (m TemplateMessage) byName(names []string) ([]string, error) {
	name, lang := strings.TrimSpace(m.Name), strings.TrimSpace(m.Language)
	if len(names) == 0 {
		return nil, templateProblem("params", "template %q (%s) numbers its parameters ({{1}}, {{2}}…): %s gives them by name, not as a list", name, lang, m.By)
	}
	given := slices.Sorted(maps.Keys(m.Named))
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(given, want) {
		return nil, templateProblem("params", "template %q (%s) takes the parameters %s; %s gives %s", name, lang,
			limit.Clip(strings.Join(want, ", "), 500), m.By, limit.Clip(strings.Join(given, ", "), 500))
	}
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = m.Named[n]
	}
	return values, nil
}

// header puts m's header into content as the template's header needs it,
// and returns the header's line as the contact reads it (a text header's;
// "" for a file's or none). A header the template's asks for and m does
// not give, or the reverse, is refused: WhatsApp would refuse the message
// once it was accepted.
func (m TemplateMessage) header(tpl Template, fill func(string) string, content map[string]any) (string, error) {
	kind, text := templateHeaderOf(tpl.Components)
	name, lang := strings.TrimSpace(m.Name), strings.TrimSpace(m.Language)
	needs := kind != "" && (kind != "text" || placeholder.MatchString(text))
	h := m.Header
	switch {
	case !needs && h != nil:
		return "", templateProblem("header", "template %q (%s) has no header parameter: remove %s's header", name, lang, m.By)
	case !needs:
		return text, nil
	case h == nil:
		return "", templateProblem("header", "template %q (%s) has a %s header with a parameter: set %s's header", name, lang, kind, m.By)
	case h.Type != kind:
		return "", templateProblem("header", "template %q (%s) has a %s header, not %s", name, lang, kind, limit.Clip(h.Type, 30))
	}
	if kind != "text" {
		link := strings.TrimSpace(fill(h.URL))
		if _, ok := HTTPURL(link); !ok {
			return "", templateProblem("header", "the header of template %q needs an absolute http(s) link WhatsApp can fetch, not %q", name, limit.Clip(link, 200))
		}
		header := map[string]any{"type": kind, "url": link}
		if kind == "document" && strings.TrimSpace(h.FileName) != "" {
			header["file_name"] = strings.TrimSpace(h.FileName)
		}
		content["header"] = header
		return "", nil
	}
	v := fill(h.Text)
	if strings.TrimSpace(v) == "" {
		msg := fmt.Sprintf("the header of template %q is empty", name)
		if m.Fill != nil {
			msg += fmt.Sprintf(" (%s renders to nothing)", h.Text)
		}
		return "", &TemplateProblem{Field: "header", Message: msg}
	}
	header := map[string]any{"type": "text", "text": v}
	if names := namedParams(text); len(names) > 0 {
		header["param_name"] = names[0]
	}
	content["header"] = header
	return placeholder.ReplaceAllLiteralString(text, v), nil
}

// templateHeaderOf reads a synced template's header from the provider's
// components (WhatsApp's [{type: HEADER, format, text}, …]): its kind
// (text, image, video, document; "" for none or one a message cannot
// fill) and a text header's text.
func templateHeaderOf(components json.RawMessage) (kind, text string) {
	var comps []struct {
		Type   string `json:"type"`
		Format string `json:"format"`
		Text   string `json:"text"`
	}
	if json.Unmarshal(components, &comps) != nil {
		return "", ""
	}
	for _, c := range comps {
		if !strings.EqualFold(c.Type, "HEADER") {
			continue
		}
		switch f := strings.ToLower(c.Format); f {
		case "", "text":
			return "text", c.Text
		case "image", "video", "document":
			return f, ""
		}
	}
	return "", ""
}

// placeholder is a parameter in a template's body: {{1}} or {{first_name}}.
var placeholder = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// namedParams are the names of a body's named parameters in the order
// they first appear, or none when its parameters are numbered (as the
// composer's template picker reads them).
func namedParams(body string) []string {
	var names []string
	named := false
	for _, m := range placeholder.FindAllStringSubmatch(body, -1) {
		n := m[1]
		if strings.Trim(n, "0123456789") != "" {
			named = true
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if !named {
		return nil
	}
	return names
}
