package ai_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// The saved key goes only to the address it was saved with. A manager
// who cannot read it must not be able to point the provider elsewhere
// and have the next call (the settings' Test button) send it there.
func TestKeyStaysWithItsBaseURL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		if _, err := e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{BaseURL: str("https://api.example.com/v1"),
			APIKey: str("sk-secret-key-WXYZ"), ChatModel: str("gpt-4o-mini")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.UpdateSettings(ctx, e.ws, ai.SettingsInput{BaseURL: str("http://127.0.0.1:9/v1")})
		if !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("a new base URL without the key: %v, want it refused", err)
		}
		if st, _ := e.svc.Settings(ctx, e.ws); st.BaseURL != "https://api.example.com/v1" || !st.APIKeySet {
			t.Fatalf("the refused change changed the settings: %+v", st)
		}

		for _, c := range []struct {
			name string
			in   ai.SettingsInput
			key  bool
		}{
			{"the same URL again, as the settings form sends it", ai.SettingsInput{BaseURL: str("https://api.example.com/v1/"), ChatModel: str("gpt-4o")}, true},
			{"a new URL with its key", ai.SettingsInput{BaseURL: str("http://127.0.0.1:9/v1"), APIKey: str("sk-local-1234")}, true},
			{"a new URL with the key removed", ai.SettingsInput{BaseURL: str("https://api.example.com/v1"), APIKey: str("")}, false},
			{"a new URL when no key is saved", ai.SettingsInput{BaseURL: str("http://127.0.0.1:11434/v1")}, false},
		} {
			st, err := e.svc.UpdateSettings(ctx, e.ws, c.in)
			if err != nil || st.APIKeySet != c.key {
				t.Fatalf("%s: %+v, %v", c.name, st, err)
			}
		}
	})
}
