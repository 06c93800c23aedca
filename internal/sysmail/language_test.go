package sysmail_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/sysmail"
)

// A mail is in the language the request names, else the first of the
// node's the Accept-Language header prefers, else English; a language
// the node lacks is English.
func TestPickLanguage(t *testing.T) {
	cases := []struct {
		named, accept string
		want          sysmail.Language
	}{
		{"", "", sysmail.English},
		{"fr", "", sysmail.French},
		{"fr-CA", "", sysmail.French},
		{"FR", "en-US", sysmail.French},
		{"en", "fr", sysmail.English},
		{"de", "fr", sysmail.English}, // named: the person chose it
		{"", "fr-FR,fr;q=0.9,en;q=0.8", sysmail.French},
		{"", "de-DE, fr;q=0.8, en;q=0.5", sysmail.French},
		{"", "de-DE, en;q=0.9, fr;q=0.8", sysmail.English},
		{"", "en;q=0.5, fr;q=0.9", sysmail.French},
		{"", "de", sysmail.English},
		{"", "fr;q=0", sysmail.English},
		{"", "*", sysmail.English},
		{"", "fr,!!", sysmail.English}, // malformed: no preference
		{" ", "fr", sysmail.French},
	}
	for _, tc := range cases {
		if got := sysmail.PickLanguage(tc.named, tc.accept); got != tc.want {
			t.Errorf("PickLanguage(%q, %q) = %q, want %q", tc.named, tc.accept, got, tc.want)
		}
	}
}
