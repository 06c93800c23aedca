package workflow

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
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
	ask := channel.TemplateMessage{Name: name, Language: lang, Params: t.Params, Fill: x.text, By: "the step"}
	if h := t.Header; h != nil {
		ask.Header = &channel.TemplateHeader{Type: h.Type, Text: h.Text, URL: h.URL}
	}
	r, err := ask.Render(tpl)
	var problem *channel.TemplateProblem
	if errors.As(err, &problem) {
		return result{}, apperr.Conflict("%s", problem.Message)
	}
	if err != nil {
		return result{}, err
	}
	params, text := r.Params, r.Text
	x.log("template", map[string]any{"name": name, "language": lang, "params": params})
	raw, err := json.Marshal(r.Content)
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
