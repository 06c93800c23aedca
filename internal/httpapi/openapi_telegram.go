package httpapi

// telegramUpdate documents a Telegram Bot API Update as the Telegram
// channel's webhook reads it (internal/channel/telegram): exactly one
// member besides update_id is set; members the schema leaves out are
// accepted and ignored.
type telegramUpdate struct {
	UpdateID      int64          `json:"update_id"`
	Message       map[string]any `json:"message,omitempty"`
	EditedMessage map[string]any `json:"edited_message,omitempty"`
	CallbackQuery map[string]any `json:"callback_query,omitempty"`
}
