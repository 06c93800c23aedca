package widget

import (
	"context"
	"encoding/json"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// attachments checks the files of a visitor's message. Uploads are not
// carried yet: the widget sends text.
func (a *api) attachments(_ context.Context, _ request, _ Outgoing) (json.RawMessage, error) {
	return nil, apperr.Invalid("attachments", "the widget does not carry files yet")
}
