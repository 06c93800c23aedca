package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/live"
)

// The frames of the live socket (docs/api.md, "Live socket"): JSON text
// messages, each an object with a "type".

// liveHello is the server's first frame: the cursor the socket starts
// after. A client keeps the id of the last event it got and passes it
// back (?after= or a resume frame) when it reconnects.
type liveHello struct {
	Type   string `json:"type"` // "hello"
	Cursor int64  `json:"cursor"`
}

// liveEvent carries one event of the log.
type liveEvent struct {
	Type  string      `json:"type"` // "event"
	Event event.Event `json:"event"`
}

// liveTyping tells that another user started or stopped replying.
type liveTyping struct {
	Type           string `json:"type"` // "typing"
	ConversationID int64  `json:"conversation_id"`
	UserID         int64  `json:"user_id"`
	State          string `json:"state"`
}

// clientFrame is any frame a client may send; which fields it holds
// depends on its type.
type clientFrame struct {
	Type           string `json:"type"`
	After          *int64 `json:"after"`
	ConversationID int64  `json:"conversation_id"`
	State          string `json:"state"`
}

// Client frame types.
const (
	frameResume    = "resume"
	frameHeartbeat = "heartbeat"
	frameTyping    = "typing"
)

// parseClientFrame decodes and checks one client frame. Its error is the
// reason the socket closes with, so it is short and says what was wrong.
func parseClientFrame(data []byte) (clientFrame, error) {
	var fr clientFrame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fr); err != nil {
		return fr, errors.New("a frame must be a JSON object of known fields")
	}
	if dec.More() {
		return fr, errors.New("one JSON object per frame")
	}
	switch fr.Type {
	case frameResume:
		if fr.After == nil || *fr.After < 0 {
			return fr, errors.New("resume needs after, an event id (0 or more)")
		}
	case frameHeartbeat:
	case frameTyping:
		if fr.ConversationID <= 0 {
			return fr, errors.New("typing needs conversation_id")
		}
		if fr.State != live.TypingStart && fr.State != live.TypingStop {
			return fr, errors.New("typing state must be start or stop")
		}
	case "":
		return fr, errors.New("a frame needs a type")
	default:
		return fr, errors.New("unknown frame type")
	}
	return fr, nil
}
