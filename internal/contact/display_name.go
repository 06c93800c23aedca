package contact

import (
	"strings"

	"github.com/switchboard-chat/switchboard/internal/limit"
)

// DisplayName is a channel profile's one display name as a contact's
// names: its first word the first name, the rest the last name (Telegram
// and Messenger send both; WhatsApp, Twilio, Viber, the widget and a mail's
// From send one). An empty name sets neither.
func DisplayName(name string) (first, last *string) {
	f, l, _ := strings.Cut(strings.TrimSpace(limit.Clean(name)), " ")
	return Names(f, l)
}

// Names are a profile's first and last names cleaned for storing: trimmed,
// and a name too long cut (with "…"), never dropped, since the first name
// is what the contact is shown by. An empty one is nil.
func Names(first, last string) (*string, *string) {
	return profileName(first), profileName(last)
}

func profileName(s string) *string {
	s = strings.TrimSpace(limit.Clean(s))
	if s == "" {
		return nil
	}
	s, _ = limit.Truncate(s, MaxNameLen, "…")
	return &s
}
