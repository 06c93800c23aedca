package conversation

import (
	"context"
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// Templates checks a message of type template against its channel's
// templates as last synced, and renders it (channel.Service, which
// imports this package): content is what the sender sends, text what the
// contact reads. What the provider would refuse is a validation error
// naming the content's field (content.name, content.params,
// content.header…).
type Templates interface {
	TemplateMessageTx(ctx context.Context, q db.Querier, workspaceID, channelID int64, content json.RawMessage) (json.RawMessage, string, error)
}

// SetTemplates makes Send check and render template messages (the node
// sets its channel service; without, a template's content and text are
// stored as given). A workflow's Send a Message step checks its own,
// with the same rules, before SendTx.
func (s *Service) SetTemplates(t Templates) { s.templates = t }
