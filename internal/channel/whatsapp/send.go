package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// ellipsis ends a title WhatsApp's limits made Send shorten.
const ellipsis = "…"

// listButton is the label of the button that opens a list.
const listButton = "Choose"

// send delivers msg with POST {base}/{version}/{phone_number_id}/messages
// and returns WhatsApp's message id (messages[0].id), which statuses
// refer to:
//
//	text          {"type": "text", "text": {"body", "preview_url"}}, preview_url when it holds a link
//	quick_reply   ≤3 options: reply buttons; ≤10: a list; more: numbered text
//	attachment    {"type": image|video|audio|document|sticker, <type>: {"link", "caption", "filename"}}
//	location      {"type": "location", "location": {"latitude", "longitude", "name", "address"}}
//	template      {"type": "template", "template": {"name", "language": {"code"}, "components": [body parameters]}}
//
// An audio file carries no caption on WhatsApp: its text goes first, as a
// text message of its own.
func (p *Provider) send(ctx context.Context, ch channel.Channel, to string, msg conversation.Message) (string, error) {
	s, err := load(ch)
	if err != nil {
		return "", outbound.Permanent("the channel's configuration is not readable")
	}
	if s.AccessToken == "" || s.PhoneNumberID == "" {
		return "", outbound.Permanent("the channel has no access token or phone number id configured")
	}
	to = strings.TrimPrefix(to, "+")
	bodies, err := wire(msg)
	if err != nil {
		return "", err
	}
	url := s.graphURL(s.PhoneNumberID, "messages")
	// Several bodies (a text before an audio file) resume after those
	// already delivered (channel.SendParts).
	ids, err := channel.SendParts(ctx, len(bodies), func(i int) (string, error) {
		b := bodies[i]
		b["messaging_product"], b["recipient_type"], b["to"] = "whatsapp", "individual", to
		answer, err := p.call(ctx, http.MethodPost, url, s.AccessToken, b)
		if err != nil {
			return "", fmt.Errorf("send message %d: %w", msg.ID, err)
		}
		var ok struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if json.Unmarshal(answer, &ok) != nil || len(ok.Messages) == 0 || ok.Messages[0].ID == "" {
			return "", fmt.Errorf("whatsapp: send message %d: the Graph API answered without a message id", msg.ID)
		}
		return ok.Messages[0].ID, nil
	})
	if err != nil {
		return "", err
	}
	// The id is the file's when text went before it.
	first, firstIsText := "", false
	for i, id := range ids {
		if first == "" || (firstIsText && bodies[i]["type"] != "text") {
			first, firstIsText = id, bodies[i]["type"] == "text"
		}
	}
	return first, nil
}

// object is a request body under construction.
type object = map[string]any

// content is what an outbound message's content may hold.
type content struct {
	Text     string              `json:"text"`
	Title    string              `json:"title"`
	Replies  channel.ReplyTitles `json:"replies"`
	Button   string              `json:"button"`
	Attach   *attachment         `json:"attachment"`
	Attaches []attachment        `json:"attachments"`
	// A template.
	Name     string          `json:"name"`
	Language string          `json:"language"`
	Params   templateParams  `json:"params"`
	Header   *templateHeader `json:"header"`
	// A location.
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Address   string   `json:"address"`
}

// attachment is a file to send: the composer's {"attachment": {…}} or
// the workflow's {"attachments": [{type, url}]}.
type attachment struct {
	Type     string `json:"type"`
	URL      string `json:"url"`
	FileName string `json:"file_name"`
}

// wire is the request bodies of msg, without the recipient.
func wire(m conversation.Message) ([]object, error) {
	var c content
	if len(bytes.TrimSpace(m.Content)) > 0 {
		if err := json.Unmarshal(m.Content, &c); err != nil {
			return nil, outbound.Permanent(fmt.Sprintf("the content of a %s message is not readable: %v", m.Type, err))
		}
	}
	text := m.Text
	if text == "" {
		text = c.Text
	}
	if text == "" {
		text = c.Title
	}
	switch m.Type {
	case "", "text":
		return one(textBody(text))
	case "quick_reply":
		return one(choices(text, c.Replies, c.Button))
	case "attachment":
		atts := c.Attaches
		if c.Attach != nil {
			atts = append([]attachment{*c.Attach}, atts...)
		}
		return attachments(text, atts)
	case "location":
		if c.Latitude == nil || c.Longitude == nil {
			return nil, outbound.Permanent("a location message needs its latitude and longitude")
		}
		loc := object{"latitude": *c.Latitude, "longitude": *c.Longitude}
		if c.Address != "" {
			loc["address"] = c.Address
		}
		if c.Title != "" {
			loc["name"] = c.Title
		}
		return []object{{"type": "location", "location": loc}}, nil
	case "template":
		return one(template(c))
	}
	if text != "" {
		return one(textBody(text))
	}
	return nil, outbound.Permanent(fmt.Sprintf("WhatsApp cannot carry a %s message", limit.Clip(m.Type, 40)))
}

func one(o object, err error) ([]object, error) {
	if err != nil {
		return nil, err
	}
	return []object{o}, nil
}

// textBody is a text message; a link in it gets a preview.
func textBody(text string) (object, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, outbound.Permanent("the message has no text")
	}
	if n := limit.Len(text); n > MaxTextLength {
		return nil, outbound.Permanent(fmt.Sprintf("the text is %d characters long; WhatsApp carries at most %d", n, MaxTextLength))
	}
	preview := strings.Contains(text, "https://") || strings.Contains(text, "http://")
	return object{"type": "text", "text": object{"body": text, "preview_url": preview}}, nil
}

// choices is a question with options: reply buttons for up to three, a
// list for up to ten, and numbered text beyond (or when the titles, cut
// to WhatsApp's limits, would no longer be told apart). A title cut to
// fit ends with "…" and its id holds the whole option, so the answer
// comes back whole (replyText).
func choices(text string, options []string, button string) (object, error) {
	text = strings.TrimSpace(text)
	if len(options) == 0 || text == "" {
		return textBody(numbered(text, options))
	}
	numberedText := text
	text = bare(text, options)
	n := limit.Len(text)
	if len(options) <= MaxButtons && n <= MaxButtonBody {
		if titles, ok := fit(options, MaxButtonTitle); ok {
			buttons := make([]object, len(options))
			for i := range options {
				buttons[i] = object{"type": "reply", "reply": object{"id": replyID(options[i]), "title": titles[i]}}
			}
			return object{"type": "interactive", "interactive": object{"type": "button",
				"body": object{"text": text}, "action": object{"buttons": buttons}}}, nil
		}
	}
	if len(options) <= MaxListRows && n <= MaxTextLength {
		if titles, ok := fit(options, MaxRowTitle); ok {
			rows := make([]object, len(options))
			for i := range options {
				row := object{"id": replyID(options[i]), "title": titles[i]}
				if titles[i] != options[i] {
					// The whole option, as far as a row's description goes.
					d, _ := limit.Truncate(options[i], 72, ellipsis)
					row["description"] = d
				}
				rows[i] = row
			}
			if button = strings.TrimSpace(button); button == "" {
				button = listButton
			}
			button, _ = limit.Truncate(button, MaxButtonTitle, ellipsis)
			return object{"type": "interactive", "interactive": object{"type": "list",
				"body":   object{"text": text},
				"action": object{"button": button, "sections": []object{{"rows": rows}}}}}, nil
		}
	}
	return textBody(numbered(numberedText, options))
}

// bare is text without the numbered options Ask a Question appends to
// its question, which buttons and rows show already.
func bare(text string, options []string) string {
	var list strings.Builder
	for i, o := range options {
		fmt.Fprintf(&list, "\n%d. %s", i+1, o)
	}
	if t, ok := strings.CutSuffix(text, list.String()); ok && strings.TrimSpace(t) != "" {
		return strings.TrimSpace(t)
	}
	return text
}

// fit cuts the titles to max characters; false when two would be the same.
func fit(options []string, max int) ([]string, bool) {
	out := make([]string, len(options))
	seen := map[string]bool{}
	for i, o := range options {
		out[i], _ = limit.Truncate(o, max, ellipsis)
		id := replyID(o)
		if seen[out[i]] || seen["id:"+id] {
			return nil, false
		}
		seen[out[i]], seen["id:"+id] = true, true
	}
	return out, true
}

// replyID is the id of an option's button or row: the option itself,
// within WhatsApp's limit.
func replyID(option string) string {
	return limit.CutBytes(option, MaxReplyID)
}

// numbered is the text of a question with its options listed "1. …",
// unless the text lists them already (Ask a Question does).
func numbered(text string, options []string) string {
	var b strings.Builder
	b.WriteString(text)
	listed := true
	for i, o := range options {
		if !strings.Contains(text, strconv.Itoa(i+1)+". "+o) {
			listed = false
			break
		}
	}
	if !listed {
		for i, o := range options {
			fmt.Fprintf(&b, "\n%d. %s", i+1, o)
		}
	}
	return strings.TrimSpace(b.String())
}

// mediaTypes maps an attachment's type to WhatsApp's media message type.
var mediaTypes = map[string]string{"image": "image", "video": "video", "audio": "audio", "file": "document", "document": "document", "sticker": "sticker"}

// attachments are the media messages of a message's files, the caption
// on the first; text that no file can carry is a text message before them.
func attachments(text string, atts []attachment) ([]object, error) {
	if len(atts) == 0 {
		return one(textBody(text))
	}
	var out []object
	caption := strings.TrimSpace(text)
	for i, a := range atts {
		typ, ok := mediaTypes[a.Type]
		if !ok {
			return nil, outbound.Permanent(fmt.Sprintf("WhatsApp cannot carry a %s attachment", limit.Clip(a.Type, 40)))
		}
		if !strings.HasPrefix(a.URL, "https://") && !strings.HasPrefix(a.URL, "http://") {
			return nil, outbound.Permanent("an attachment sent on WhatsApp needs a public http(s) URL (set the node's public URL)")
		}
		media := object{"link": a.URL}
		if typ == "document" && a.FileName != "" {
			media["filename"] = a.FileName
		}
		if i == 0 && caption != "" {
			if typ == "audio" || typ == "sticker" {
				t, err := textBody(caption)
				if err != nil {
					return nil, err
				}
				out = append(out, t)
			} else {
				if n := limit.Len(caption); n > MaxButtonBody {
					return nil, outbound.Permanent(fmt.Sprintf("the caption is %d characters long; WhatsApp carries at most %d", n, MaxButtonBody))
				}
				media["caption"] = caption
			}
		}
		out = append(out, object{"type": typ, typ: media})
	}
	return out, nil
}

// templateHeader is the parameter of a template's header: the text of a
// TEXT header's {{1}}, or the file of an IMAGE, VIDEO or DOCUMENT header
// (WhatsApp fetches it by its link when it sends the template).
type templateHeader struct {
	Type     string `json:"type"` // text, image, video, document
	Text     string `json:"text"`
	URL      string `json:"url"`
	FileName string `json:"file_name"`
	// ParamName names a text header's parameter in a template with named
	// parameters ({{order_id}}); empty for {{1}}.
	ParamName string `json:"param_name"`
}

// templateParams are a template's body parameters: a list for {{1}},
// {{2}}… or an object by name for a template with named parameters
// ({{first_name}}), which WhatsApp takes only with each parameter's name.
type templateParams struct {
	positional []string
	named      map[string]string
}

func (p *templateParams) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		return json.Unmarshal(b, &p.named)
	}
	return json.Unmarshal(b, &p.positional)
}

// body is the body component's parameters, or nil when there are none.
func (p templateParams) body() []object {
	var params []object
	for _, v := range p.positional {
		params = append(params, object{"type": "text", "text": v})
	}
	names := slices.Sorted(maps.Keys(p.named))
	for _, name := range names {
		params = append(params, object{"type": "text", "parameter_name": name, "text": p.named[name]})
	}
	return params
}

// headerComponent is the header's component of a template message.
func headerComponent(h templateHeader) (object, error) {
	switch h.Type {
	case "text", "":
		if strings.TrimSpace(h.Text) == "" {
			return nil, outbound.Permanent("the template's header parameter is empty")
		}
		param := object{"type": "text", "text": h.Text}
		if name := strings.TrimSpace(h.ParamName); name != "" {
			param["parameter_name"] = name
		}
		return object{"type": "header", "parameters": []object{param}}, nil
	case "image", "video", "document":
		if _, ok := channel.HTTPURL(h.URL); !ok {
			return nil, outbound.Permanent("the template's header " + h.Type + " needs an absolute http(s) URL WhatsApp can fetch")
		}
		media := object{"link": h.URL}
		if h.Type == "document" && h.FileName != "" {
			media["filename"] = h.FileName
		}
		return object{"type": "header", "parameters": []object{{"type": h.Type, h.Type: media}}}, nil
	}
	return nil, outbound.Permanent(fmt.Sprintf("a template header is text, image, video or document, not %q", limit.Clip(h.Type, 30)))
}

// template is an approved template with its header and body parameters.
func template(c content) (object, error) {
	if strings.TrimSpace(c.Name) == "" {
		return nil, outbound.Permanent("a template message needs the template's name")
	}
	lang := strings.TrimSpace(c.Language)
	if lang == "" {
		return nil, outbound.Permanent("a template message needs the template's language")
	}
	t := object{"name": c.Name, "language": object{"code": lang}}
	var components []object
	if c.Header != nil {
		h, err := headerComponent(*c.Header)
		if err != nil {
			return nil, err
		}
		components = append(components, h)
	}
	if params := c.Params.body(); len(params) > 0 {
		components = append(components, object{"type": "body", "parameters": params})
	}
	if components != nil {
		t["components"] = components
	}
	return object{"type": "template", "template": t}, nil
}
