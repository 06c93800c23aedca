package telegram

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Update is one update the Bot API delivers to the webhook. Exactly one
// of its optional members is set; Switchboard reads message,
// edited_message and callback_query and acknowledges the others (Kind
// names them).
type Update struct {
	UpdateID      int64          `json:"update_id"`
	Message       *Message       `json:"message,omitempty"`
	EditedMessage *Message       `json:"edited_message,omitempty"`
	CallbackQuery *CallbackQuery `json:"callback_query,omitempty"`
	// Kind is the name of the update's member: "message",
	// "edited_message", "callback_query", "my_chat_member"… ("" when it
	// has none).
	Kind string `json:"-"`
}

// User is a Telegram user or bot.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is the chat a message belongs to: with a private chat, its id is
// the user's.
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"` // private, group, supergroup or channel
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// Message is a Telegram message, with the members Switchboard reads.
// Raw is the message object as delivered.
type Message struct {
	MessageID   int64                 `json:"message_id"`
	From        *User                 `json:"from,omitempty"`
	Chat        Chat                  `json:"chat"`
	Date        int64                 `json:"date"`
	EditDate    int64                 `json:"edit_date,omitempty"`
	Text        string                `json:"text,omitempty"`
	Caption     string                `json:"caption,omitempty"`
	Photo       []PhotoSize           `json:"photo,omitempty"`
	Animation   *File                 `json:"animation,omitempty"`
	Document    *File                 `json:"document,omitempty"`
	Voice       *File                 `json:"voice,omitempty"`
	Audio       *File                 `json:"audio,omitempty"`
	Video       *File                 `json:"video,omitempty"`
	VideoNote   *File                 `json:"video_note,omitempty"`
	Sticker     *Sticker              `json:"sticker,omitempty"`
	Location    *Location             `json:"location,omitempty"`
	Venue       *Venue                `json:"venue,omitempty"`
	Contact     *Contact              `json:"contact,omitempty"`
	ReplyMarkup *InlineKeyboardMarkup `json:"reply_markup,omitempty"`
	// MigrateToChatID, in a group's chat, and MigrateFromChatID, in a
	// supergroup's, say the group was upgraded to the supergroup, which
	// has another chat id.
	MigrateToChatID   int64           `json:"migrate_to_chat_id,omitempty"`
	MigrateFromChatID int64           `json:"migrate_from_chat_id,omitempty"`
	Raw               json.RawMessage `json:"-"`
}

// PhotoSize is one size of a photo; a photo message lists several.
type PhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int64  `json:"file_size,omitempty"`
}

// File is a document, voice note, audio file, video or animation: the
// members they share.
type File struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
	Duration     int    `json:"duration,omitempty"`
	Title        string `json:"title,omitempty"`
	Performer    string `json:"performer,omitempty"`
}

// Sticker is a sticker: a WebP image, a WebM video or a TGS animation.
type Sticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Emoji        string `json:"emoji,omitempty"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	FileSize     int64  `json:"file_size,omitempty"`
	SetName      string `json:"set_name,omitempty"`
}

// Location is a point on the map.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Venue is a named place.
type Venue struct {
	Location Location `json:"location"`
	Title    string   `json:"title"`
	Address  string   `json:"address"`
}

// Contact is a phone contact shared in the chat.
type Contact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name,omitempty"`
	UserID      int64  `json:"user_id,omitempty"`
	VCard       string `json:"vcard,omitempty"`
}

// CallbackQuery is a press on an inline keyboard's button.
type CallbackQuery struct {
	ID   string `json:"id"`
	From User   `json:"from"`
	// Message is the bot's message carrying the keyboard; when it is too
	// old, only its chat, message_id and a date of 0 are given.
	Message         *Message `json:"message,omitempty"`
	InlineMessageID string   `json:"inline_message_id,omitempty"`
	ChatInstance    string   `json:"chat_instance"`
	Data            string   `json:"data,omitempty"`
}

// InlineKeyboardMarkup is an inline keyboard: rows of buttons.
type InlineKeyboardMarkup struct {
	InlineKeyboard [][]InlineKeyboardButton `json:"inline_keyboard"`
}

// InlineKeyboardButton is one button of an inline keyboard.
type InlineKeyboardButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
}

// Parse reads an update. A body that is not a JSON object, a member of
// the wrong JSON type, a missing update_id, or a message without its
// message_id or chat is a 400 (apperr.KindBadRequest): Telegram never
// sends those. An update of a kind Switchboard does not read is parsed
// with Kind set and nothing else.
func Parse(body []byte) (Update, error) {
	var u Update
	if !utf8.Valid(body) {
		return u, apperr.BadRequest("the update is not valid UTF-8")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return u, apperr.BadRequest("the update must be a JSON object")
	}
	id, ok := members["update_id"]
	if !ok {
		return u, apperr.BadRequest("update_id is required")
	}
	if err := json.Unmarshal(id, &u.UpdateID); err != nil || u.UpdateID < 0 {
		return u, apperr.BadRequest("update_id must be a whole number")
	}
	// The kind is the one member besides update_id; should there be more
	// (there never are), the first known one wins, then the first by name.
	var others []string
	for k := range members {
		if k != "update_id" {
			others = append(others, k)
		}
	}
	sort.Strings(others)
	for _, k := range []string{"message", "edited_message", "callback_query"} {
		if raw, ok := members[k]; ok && !isNull(raw) {
			u.Kind = k
			break
		}
	}
	if u.Kind == "" && len(others) > 0 {
		u.Kind = others[0]
	}
	var err error
	switch u.Kind {
	case "message":
		u.Message, err = parseMessage(members[u.Kind], "message")
	case "edited_message":
		u.EditedMessage, err = parseMessage(members[u.Kind], "edited_message")
	case "callback_query":
		u.CallbackQuery, err = parseCallback(members[u.Kind])
	}
	return u, err
}

// parseMessage reads a message object; path names it in errors.
func parseMessage(raw json.RawMessage, path string) (*Message, error) {
	var m Message
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, apperr.BadRequest("%s: %s", path, strings.TrimPrefix(err.Error(), "json: "))
	}
	if m.MessageID <= 0 {
		return nil, apperr.BadRequest("%s.message_id is required", path)
	}
	if m.Chat.ID == 0 {
		return nil, apperr.BadRequest("%s.chat.id is required", path)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		m.Raw = buf.Bytes()
	}
	return &m, nil
}

// maxCallbackIDLen bounds a callback query's id, which becomes part of a
// message's provider id; Telegram's are about 20 characters.
const maxCallbackIDLen = 128

// parseCallback reads a callback_query object.
func parseCallback(raw json.RawMessage) (*CallbackQuery, error) {
	var q CallbackQuery
	if err := json.Unmarshal(raw, &q); err != nil {
		return nil, apperr.BadRequest("callback_query: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if strings.TrimSpace(q.ID) == "" {
		return nil, apperr.BadRequest("callback_query.id is required")
	}
	if len(q.ID) > maxCallbackIDLen {
		return nil, apperr.BadRequest("callback_query.id is longer than %d bytes", maxCallbackIDLen)
	}
	if q.From.ID == 0 {
		return nil, apperr.BadRequest("callback_query.from.id is required")
	}
	if q.Message != nil && q.Message.Chat.ID == 0 {
		return nil, apperr.BadRequest("callback_query.message.chat.id is required")
	}
	return &q, nil
}

// isNull reports whether raw is JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
