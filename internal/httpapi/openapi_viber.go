package httpapi

// viberCallback documents a callback of the Viber REST Bot API as the
// Viber channel's webhook reads it (internal/channel/viber): event says
// which members are set; message_token is a 64-bit number. Members the
// schema leaves out are accepted and ignored.
type viberCallback struct {
	Event        string         `json:"event"` // webhook, message, delivered, seen, failed, subscribed, unsubscribed, conversation_started
	Timestamp    int64          `json:"timestamp"`
	MessageToken int64          `json:"message_token"`
	Sender       map[string]any `json:"sender,omitempty"`  // message: id, name, avatar, country, language, api_version
	Message      map[string]any `json:"message,omitempty"` // message: type, text, media, location, contact, file_name, file_size, sticker_id, tracking_data
	User         map[string]any `json:"user,omitempty"`    // subscribed, conversation_started
	UserID       string         `json:"user_id,omitempty"` // delivered, seen, failed, unsubscribed
	Desc         string         `json:"desc,omitempty"`    // failed
}
