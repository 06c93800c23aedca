package knowledge

import (
	"reflect"
	"strings"
	"testing"
)

func TestWordsCutChineseAndJapaneseIntoPairs(t *testing.T) {
	for _, tc := range []struct {
		text         string
		index, query []string
	}{
		{"手机壳坏了", []string{"手机", "机壳", "壳坏", "坏了", "了"}, []string{"手机", "机壳", "壳坏", "坏了"}},
		{"手", []string{"手"}, []string{"手"}},
		{"我的iPhone手机 Café", []string{"我的", "的", "iphone", "手机", "机", "cafe"}, []string{"我的", "iphone", "手机", "cafe"}},
		// Kana's voiced marks fold away as accents do (で is て); ー stays in the run.
		{"東京都に住んでいます", []string{"東京", "京都", "都に", "に住", "住ん", "んて", "てい", "いま", "ます", "す"}, []string{"東京", "京都", "都に", "に住", "住ん", "んて", "てい", "いま", "ます"}},
		{"データ", []string{"テー", "ータ", "タ"}, []string{"テー", "ータ"}},
		// Korean is spaced into words: its words stay whole.
		{"서울에서 만나요", Words("서울에서 만나요"), Words("서울에서 만나요")},
		{"l'adresse 住所", []string{"adresse", "住所", "所"}, []string{"adresse", "住所"}},
	} {
		if got := Words(tc.text); !reflect.DeepEqual(got, tc.index) {
			t.Errorf("Words(%q) = %q, want %q", tc.text, got, tc.index)
		}
		if got := QueryWords(tc.text); !reflect.DeepEqual(got, tc.query) {
			t.Errorf("QueryWords(%q) = %q, want %q", tc.text, got, tc.query)
		}
	}
	if got := Words("서울에서 만나요"); len(got) != 2 {
		t.Errorf("Korean words = %q, want two", got)
	}
}

// TestEveryPartOfARunIsFound checks the promise the pairs make: every
// piece of a query naming any part of a run is a piece of the run's
// index words or the start of one (what a prefix search matches).
func TestEveryPartOfARunIsFound(t *testing.T) {
	run := []rune("配送状況を確認したいです")
	index := Words(string(run))
	for i := range run {
		for j := i + 1; j <= len(run); j++ {
			for _, q := range QueryWords(string(run[i:j])) {
				found := false
				for _, w := range index {
					if strings.HasPrefix(w, q) {
						found = true
						break
					}
				}
				if !found {
					t.Fatalf("query %q: piece %q starts no index word of %q", string(run[i:j]), q, index)
				}
			}
		}
	}
}
