package channel

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// DecodeConfig decodes a channel's configuration into v, refusing a
// member v does not have: a config member the type does not know is a
// mistake (a misspelt field), not something to drop without a word. Any
// failure is a validation error of "config".
func DecodeConfig(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.Invalid("config", "must be an object of the channel's settings: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
