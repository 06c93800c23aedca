package media_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/media"
)

// IDsIn finds the files a message's content or a workflow's definition
// names, as migration 057 found them in the stored ones.
func TestIDsIn(t *testing.T) {
	a, b := strings.Repeat("a", 32), strings.Repeat("b", 32)
	key := strings.Repeat("f", 64)
	many := []string{}
	for i := range 100 {
		many = append(many, fmt.Sprintf(`{"media_id":"%032x"}`, i))
	}
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"text", `{"text":"hello"}`, nil},
		{"an uploaded file's attachment", `{"attachment":{"type":"image","url":"https://x.example/media/` + a + `/` + key + `","media_id":"` + a + `"}}`, []string{a}},
		{"fetched attachments", `{"attachments":[{"status":"stored","media_id":"` + b + `"},{"status":"pending"}],"attachment":{"media_id":"` + b + `"}}`, []string{b}},
		{"an email's raw message", `{"type":"text","email":{"raw_media_id":"` + a + `"}}`, []string{a}},
		{"a workflow's attachment URL", `{"steps":[{"settings":{"attachments":[{"url":"{{base}}/media/` + b + `/` + key + `"}]}}]}`, []string{b}},
		{"two URLs in a string", `{"text":"/media/` + b + `/k and /media/` + a + `/k"}`, []string{a, b}},
		{"an id of another length", `{"media_id":"abc"}`, nil},
		{"an id in capitals", `{"media_id":"` + strings.ToUpper(a) + `"}`, nil},
		{"a media_id that is no string", `{"media_id":12}`, nil},
		{"not JSON", `media_id "` + a + `"`, nil},
		{"crafted to name a hundred", `[` + strings.Join(many, ",") + `]`, nil},
	} {
		got := media.IDsIn([]byte(c.doc))
		if c.name == "crafted to name a hundred" {
			if len(got) != 64 {
				t.Errorf("%s: %d ids, want at most 64", c.name, len(got))
			}
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
