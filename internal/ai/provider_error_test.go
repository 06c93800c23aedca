package ai_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The provider's error message is kept as text that can be stored and
// shown: valid UTF-8 without NUL, at most 300 characters and "…", whether
// it came as a JSON error or a raw body. Cut at byte 300, a body of
// accented text ended in half a character.
func TestProviderErrorMessageIsStorableText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, body := range []string{
			"x" + strings.Repeat("é", 400),
			`{"error":{"message":"bad\u0000key ` + strings.Repeat("é", 400) + `"}}`,
		} {
			p := newProvider(t, answer{status: 401, body: body})
			m := e.configure(t, p, ai.SettingsInput{})
			_, err := m.Chat(context.Background(), ai.ChatRequest{})
			var perr *ai.ProviderError
			if !errors.As(err, &perr) {
				t.Fatalf("%v", err)
			}
			if msg := perr.Message; !utf8.ValidString(msg) || strings.ContainsRune(msg, 0) || utf8.RuneCountInString(msg) > 301 {
				t.Errorf("message of %d characters, valid UTF-8 %v: %q", utf8.RuneCountInString(msg), utf8.ValidString(msg), msg)
			}
		}
	})
}
