package workflow

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
)

// msgTemplate is a Send a Message step's provider template (WhatsApp's):
// outside the channel's 24-hour window it is all that may be sent, so it
// is how a workflow writes first to a contact who never wrote (an
// imported one, after Open Conversation). The message's content is the
// composer's ({"type": "template", "name", "language", "params"}), which
// the WhatsApp sender turns into the Graph API's template object.
type msgTemplate struct {
	Name     string `json:"name"`
	Language string `json:"language"` // the provider's code, e.g. en_US
	// Params fill the body's {{1}}, {{2}}… in order, each rendered like
	// the step's text; for a template with named parameters
	// ({{first_name}}), in the order the body first names them.
	Params []string `json:"params,omitempty"`
	// Header fills a header's parameter, when the template's has one.
	Header *msgTemplateHeader `json:"header,omitempty"`
}

// msgTemplateHeader is the parameter of a template's header (the
// composer's): a text header's {{1}}, or the link of an image, video or
// document header, which WhatsApp fetches; both rendered like the text.
type msgTemplateHeader struct {
	Type string `json:"type"` // text, image, video, document
	Text string `json:"text,omitempty"`
	URL  string `json:"url,omitempty"`
}

// maxTemplateParams bounds a template's parameters (WhatsApp's bodies
// take far fewer).
const maxTemplateParams = 100

// The template's shape is checked when the workflow is saved; whether the
// channel has it, approved, with as many parameters, only at the send:
// the step's channel may be the conversation's, unknown until then, and
// the templates change with each sync.
func (t *msgTemplate) check(c *checker) {
	if strings.TrimSpace(t.Name) == "" {
		c.add("settings.template.name", "is required")
	}
	c.text("settings.template.name", t.Name, 512)
	if strings.TrimSpace(t.Language) == "" {
		c.add("settings.template.language", "is required")
	}
	c.text("settings.template.language", t.Language, 64)
	if len(t.Params) > maxTemplateParams {
		c.add("settings.template.params", "%d parameters; at most %d are allowed", len(t.Params), maxTemplateParams)
	}
	for i, p := range t.Params {
		c.text(fmt.Sprintf("settings.template.params[%d]", i), p, conversation.MaxTextLen)
	}
	if h := t.Header; h != nil {
		switch h.Type {
		case "text":
			if strings.TrimSpace(h.Text) == "" {
				c.add("settings.template.header.text", "is required for a text header")
			}
		case "image", "video", "document":
			if strings.TrimSpace(h.URL) == "" {
				c.add("settings.template.header.url", "is required for an image, video or document header")
			}
		default:
			c.add("settings.template.header.type", "must be text, image, video or document")
		}
		c.text("settings.template.header.text", h.Text, conversation.MaxTextLen)
		c.text("settings.template.header.url", h.URL, 2048)
	}
}

// exec sends the template on the step's channel, or the conversation's,
// as that channel last synced it. What the provider would refuse after
// the step had gone on (a template the channel does not have, one not
// approved, parameters missing or empty) fails the step now, with the
// reason in the run's history and its failure exit taken.
func (t *msgTemplate) exec(x *execution, channelID int64) (result, error) {
	if x.run.ConversationID == 0 {
		return result{}, apperr.Conflict("the run has no conversation to send on (add an Open Conversation step)")
	}
	on := channelID
	if on == 0 {
		err := x.tx.QueryRow(x.ctx, `SELECT COALESCE(channel_id, 0) FROM conversations WHERE id = ?`, x.run.ConversationID).Scan(&on)
		if errors.Is(err, sql.ErrNoRows) {
			return result{}, apperr.NotFound("conversation")
		}
		if err != nil {
			return result{}, err
		}
		if on == 0 {
			return result{}, apperr.Conflict("conversation %d has no channel to send on", x.run.ConversationID)
		}
	}
	name, lang := strings.TrimSpace(t.Name), strings.TrimSpace(t.Language)
	tpl, err := channel.TemplateTx(x.ctx, x.tx, x.run.WorkspaceID, on, name, lang)
	if err != nil {
		return result{}, err
	}
	if tpl.Status != "" && !strings.EqualFold(tpl.Status, "APPROVED") {
		return result{}, apperr.Conflict("template %q (%s) is %s, not approved: only approved templates can be sent", name, lang, tpl.Status)
	}
	params := make([]string, len(t.Params))
	for i, p := range t.Params {
		params[i] = x.text(p)
	}
	names := namedParams(tpl.Body)
	want := tpl.Params
	if len(names) > 0 {
		want = len(names)
	}
	if len(params) != want {
		return result{}, apperr.Conflict("template %q (%s) takes %d parameters; the step gives %d", name, lang, want, len(params))
	}
	for i, p := range params {
		// WhatsApp refuses the message for an empty parameter, once the
		// step has gone on: a contact without the field fails it here.
		if strings.TrimSpace(p) == "" {
			return result{}, apperr.Conflict("parameter %d of template %q is empty (%s renders to nothing)", i+1, name, t.Params[i])
		}
	}
	content := map[string]any{"type": conversation.MessageTypeTemplate, "name": name, "language": lang, "params": params}
	headerLine, err := t.header(x, tpl, content)
	if err != nil {
		return result{}, err
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
	// header's line, then the body (as the composer writes it).
	text := placeholder.ReplaceAllStringFunc(tpl.Body, func(m string) string {
		if v, ok := values[placeholder.FindStringSubmatch(m)[1]]; ok {
			return v
		}
		return m
	})
	if headerLine != "" {
		text = headerLine + "\n" + text
	}
	x.log("template", map[string]any{"name": name, "language": lang, "params": params})
	raw, err := json.Marshal(content)
	if err != nil {
		return result{}, err
	}
	m, err := x.sendInput(conversation.SendInput{Type: conversation.MessageTypeTemplate, Text: text, Content: raw,
		Sender: conversation.SourceWorkflow, ChannelID: channelID, Windows: x.e.opts.Windows})
	if err != nil {
		return result{}, err
	}
	return result{exit: "next", outcome: fmt.Sprintf("sent template %q (%s) as message %d", name, lang, m.ID), output: map[string]any{"message_id": m.ID}}, nil
}

// header puts the step's header into content as the template's header
// needs it, and returns the header's line as the contact reads it (a text
// header's; "" for a file's or none). A header the template's asks for
// and the step does not give, or the reverse, fails the step: WhatsApp
// would refuse the message once the step had gone on.
func (t *msgTemplate) header(x *execution, tpl channel.Template, content map[string]any) (string, error) {
	kind, text := templateHeaderOf(tpl.Components)
	name, lang := strings.TrimSpace(t.Name), strings.TrimSpace(t.Language)
	needs := kind != "" && (kind != "text" || placeholder.MatchString(text))
	h := t.Header
	switch {
	case !needs && h != nil:
		return "", apperr.Conflict("template %q (%s) has no header parameter: remove the step's header", name, lang)
	case !needs:
		return text, nil
	case h == nil:
		return "", apperr.Conflict("template %q (%s) has a %s header with a parameter: set the step's header", name, lang, kind)
	case h.Type != kind:
		return "", apperr.Conflict("template %q (%s) has a %s header, not %s", name, lang, kind, h.Type)
	}
	if kind != "text" {
		link := strings.TrimSpace(x.text(h.URL))
		if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", apperr.Conflict("the header of template %q needs an absolute http(s) link WhatsApp can fetch, not %q", name, limit.Clip(link, 200))
		}
		content["header"] = map[string]any{"type": kind, "url": link}
		return "", nil
	}
	v := x.text(h.Text)
	if strings.TrimSpace(v) == "" {
		return "", apperr.Conflict("the header of template %q is empty (%s renders to nothing)", name, h.Text)
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
// (text, image, video, document; "" for none or one the step cannot
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
