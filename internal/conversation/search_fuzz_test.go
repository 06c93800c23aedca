package conversation

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// FuzzSnippet: whatever the text and query (Chinese or Japanese runs,
// marks, broken UTF-8), the passage is the text's own characters in
// order, cut only at its ends, and every part marked is found by the
// query's words.
func FuzzSnippet(f *testing.F) {
	for _, seed := range [][2]string{
		{"Où est ma commande #A1234 ?", "commande a12"},
		{"我的手机壳坏了，请帮我换一个手机壳", "手机壳"},
		{"東京都に住んでいます。iPhoneのケース", "京都 iphone"},
		{"て\u3099す\u3099", "てす"},
		{"\xff手\x00机", "手"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, text, query string) {
		words := knowledge.QueryWords(query)
		if len(words) == 0 {
			return
		}
		parts := Snippet(text, words)
		var b strings.Builder
		for i, p := range parts {
			s := p.Text
			if i == 0 {
				s = strings.TrimPrefix(s, "…")
			}
			if i == len(parts)-1 {
				s = strings.TrimSuffix(s, "…")
			}
			b.WriteString(s)
			if p.Match && len(knowledge.Words(p.Text)) == 0 {
				t.Fatalf("marked %q holds no word (text %q, query %q)", p.Text, text, query)
			}
		}
		flat := strings.Join(strings.Fields(text), " ")
		if got := b.String(); !strings.Contains(flat, got) && !strings.Contains(got, "…") {
			t.Fatalf("passage %q is not the text's (%q)", got, flat)
		}
	})
}
