package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/event"
)

// Headers of a delivery.
const (
	HeaderSignature = "X-Switchboard-Signature"
	HeaderEventID   = "X-Switchboard-Event-Id"
	HeaderEventType = "X-Switchboard-Event-Type"
	HeaderDelivery  = "X-Switchboard-Delivery-Id"
)

// Sign returns the X-Switchboard-Signature value of body sent at t with
// secret: "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">", the
// key being the secret's text.
func Sign(secret string, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Payload is the body of a delivery: the event of the log with its id
// and its workspace.
type Payload struct {
	ID             int64           `json:"id"`
	Type           string          `json:"type"`
	WorkspaceID    int64           `json:"workspace_id"`
	CreatedAt      time.Time       `json:"created_at"`
	ConversationID int64           `json:"conversation_id,omitempty"`
	ContactID      int64           `json:"contact_id,omitempty"`
	Data           json.RawMessage `json:"data"`
}

// body is the JSON body delivering e.
func body(e event.Event) ([]byte, error) {
	data := e.Payload
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return json.Marshal(Payload{ID: e.ID, Type: string(e.Type), WorkspaceID: e.WorkspaceID, CreatedAt: e.CreatedAt.UTC(),
		ConversationID: e.ConversationID, ContactID: e.ContactID, Data: data})
}
