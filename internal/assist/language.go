package assist

import (
	"context"
	"regexp"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// languageCode is what a target language may be: an ISO 639-1 code with an
// optional region or script (fr, pt-BR, zh-Hant), in any case (language
// tags are case-insensitive, BCP 47) and with "-" or "_" (a locale as a
// CSV or a provider's profile writes it: en_US).
var languageCode = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,4})?$`)

// canonicalLanguage returns code in its usual spelling (fr, pt-BR,
// zh-Hant, es-419), or false when it is no language code.
func canonicalLanguage(code string) (string, bool) {
	code = strings.TrimSpace(code)
	if !languageCode.MatchString(code) {
		return "", false
	}
	base, sub, ok := strings.Cut(strings.ReplaceAll(code, "_", "-"), "-")
	base = strings.ToLower(base)
	if !ok {
		return base, true
	}
	switch sub = strings.ToLower(sub); {
	case len(sub) == 2: // a region
		sub = strings.ToUpper(sub)
	case len(sub) == 4 && sub[0] >= 'a' && sub[0] <= 'z': // a script
		sub = strings.ToUpper(sub[:1]) + sub[1:]
	}
	return base + "-" + sub, true
}

// checkLanguage validates a language code given in field and returns it
// in its usual spelling.
func checkLanguage(field, code string) (string, error) {
	c, ok := canonicalLanguage(code)
	if !ok {
		return "", apperr.Invalid(field, "must be a language code such as en, fr or pt-BR")
	}
	return c, nil
}

// contactLanguage is the contact's language: the one saved on the contact
// (by hand, an import, or a Classify step with detect_language), else the
// one detected from their messages in the conversation, else "".
func (s *Service) contactLanguage(ctx context.Context, workspaceID, contactID int64, msgs []conversation.Message) string {
	if s.contacts != nil && contactID != 0 {
		// The caller may see the conversation: its contact is theirs to read.
		if c, err := s.contacts.Get(ctx, access.System(workspaceID), contactID); err == nil {
			if lang, ok := canonicalLanguage(c.Language); ok {
				return lang
			}
		}
	}
	var b strings.Builder
	for _, m := range msgs {
		if m.Direction == "in" {
			b.WriteString(m.Text)
			b.WriteString("\n")
		}
	}
	lang, _ := ai.DetectLanguage(b.String())
	return lang
}

// ContactLanguage returns the language of the conversation's contact (see
// contactLanguage), for the composer's "Translate to the contact's
// language".
func (s *Service) ContactLanguage(ctx context.Context, p access.Principal, conversationID int64) (string, error) {
	conv, err := s.conversations.Get(ctx, p, conversationID)
	if err != nil {
		return "", err
	}
	msgs, err := s.conversations.RecentMessages(ctx, p, conversationID, maxMessages)
	if err != nil {
		return "", err
	}
	return s.contactLanguage(ctx, p.WorkspaceID, conv.ContactID, msgs), nil
}
