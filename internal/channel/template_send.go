package channel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
)

var _ conversation.Templates = (*Service)(nil)

// templateContent is a template message's content as the composer and
// API clients write it: {"type": "template", "name", "language",
// "params": [...] or {"name": ...}, "header"?}.
type templateContent struct {
	Name     string          `json:"name"`
	Language string          `json:"language"`
	Params   json.RawMessage `json:"params"`
	Header   *TemplateHeader `json:"header"`
}

// TemplateMessageTx checks a template message's content against the
// template as channel channelID last synced it, read in q (the send's
// transaction), and renders it (conversation.Templates): the content to
// send and the text the contact reads. What is wrong is a validation
// error naming the content's field, so nothing is stored that the
// provider would refuse: a channel type without templates, a channel
// that has none as last synced (never synced: WhatsApp would refuse any
// name), a template it does not have or not approved, parameters missing,
// extra or empty, a header missing or unexpected.
func (s *Service) TemplateMessageTx(ctx context.Context, q db.Querier, workspaceID, channelID int64, content json.RawMessage) (json.RawMessage, string, error) {
	var in templateContent
	if err := json.Unmarshal(content, &in); err != nil {
		return nil, "", apperr.Invalid("content", `must be a template: {"type": "template", "name", "language", "params", "header"?}`)
	}
	m := TemplateMessage{Name: strings.TrimSpace(in.Name), Language: strings.TrimSpace(in.Language), Header: in.Header, By: "the message"}
	if m.Name == "" {
		return nil, "", apperr.Invalid("content.name", "is required: the name of one of the channel's approved templates")
	}
	if m.Language == "" {
		return nil, "", apperr.Invalid("content.language", "is required: the template's language code, e.g. en_US")
	}
	switch params := bytes.TrimSpace(in.Params); {
	case len(params) == 0 || string(params) == "null":
	case params[0] == '{':
		if json.Unmarshal(params, &m.Named) != nil {
			return nil, "", apperr.Invalid("content.params", "must be a list of texts, or an object of texts by parameter name")
		}
		if m.Named == nil {
			m.Named = map[string]string{}
		}
	default:
		if json.Unmarshal(params, &m.Params) != nil {
			return nil, "", apperr.Invalid("content.params", "must be a list of texts, or an object of texts by parameter name")
		}
	}
	if h := in.Header; h != nil {
		switch h.Type {
		case "text", "image", "video", "document":
		default:
			return nil, "", apperr.Invalid("content.header.type", "must be text, image, video or document")
		}
	}
	ch, err := s.get(ctx, q, channelID)
	if err != nil {
		return nil, "", err
	}
	if s.reg != nil {
		if _, known := s.reg.Provider(ch.Type); known && s.syncerOf(ch) == nil {
			return nil, "", apperr.Invalid("type", "a %s channel has no message templates: send a text message", ch.Type)
		}
	}
	tpl, err := TemplateTx(ctx, q, workspaceID, channelID, m.Name, m.Language)
	if apperr.KindOf(err) == apperr.KindNotFound {
		var synced int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM channel_templates WHERE channel_id = ?`, channelID).Scan(&synced); err != nil {
			return nil, "", fmt.Errorf("channel: template message: %w", err)
		}
		if synced == 0 {
			return nil, "", apperr.Invalid("content.name", "channel %q has no templates yet: sync its templates in Settings → Channels first", ch.Name)
		}
		return nil, "", apperr.Invalid("content.name", "%s", apperr.MessageOf(err))
	}
	if err != nil {
		return nil, "", err
	}
	r, err := m.Render(tpl)
	var p *TemplateProblem
	if errors.As(err, &p) {
		return nil, "", apperr.Invalid("content."+p.Field, "%s", p.Message)
	}
	if err != nil {
		return nil, "", err
	}
	raw, err := json.Marshal(r.Content)
	if err != nil {
		return nil, "", fmt.Errorf("channel: template message: %w", err)
	}
	return raw, r.Text, nil
}
