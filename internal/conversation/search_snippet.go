package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// A snippet is one line of a hit's text: from a little before the first
// word found, about snippetRunes characters, cut between words.
const (
	snippetRunes  = 180
	snippetBefore = 50
)

// snippetToken is a run of word characters, or of anything else; a
// Chinese or Japanese character is a token alone (cjk), since its words
// are not spaced.
type snippetToken struct {
	text string
	word bool
	cjk  bool
}

// Snippet cuts the passage of text around the first word that starts
// with one of words (folded, as the index holds them; a Chinese or
// Japanese run, the characters of the words' pairs found in it) and marks
// every such word in it. The words are compared as the index compares them
// (knowledge.Words), so what the index found is what the passage marks.
func Snippet(text string, words []string) []SnippetPart {
	toks := snippetTokens(strings.Join(strings.Fields(text), " "))
	found := foundTokens(toks, words)
	first := -1
	for i := range toks {
		if found[i] {
			first = i
			break
		}
	}
	start := max(first, 0)
	for n := 0; start > 0; start-- {
		if n += utf8.RuneCountInString(toks[start-1].text); n > snippetBefore {
			break
		}
	}
	end := start
	for n := 0; end < len(toks); end++ {
		n += utf8.RuneCountInString(toks[end].text)
		if n > snippetRunes && end > max(first, start) {
			break
		}
	}
	// A cut passage starts and ends on a word, next to its "…".
	for start > 0 && start < first && !toks[start].word {
		start++
	}
	for end < len(toks) && end-1 > max(first, start) && !toks[end-1].word {
		end--
	}
	parts := []SnippetPart{}
	add := func(s string, match bool) {
		if n := len(parts); n > 0 && parts[n-1].Match == match {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, SnippetPart{Text: s, Match: match})
	}
	if start > 0 {
		add("…", false)
	}
	for i, t := range toks[start:end] {
		match := found[start+i]
		if utf8.RuneCountInString(t.text) > snippetRunes { // a word as long as the line: a link, a code
			t.text = string([]rune(t.text)[:snippetRunes-1]) + "…"
		}
		add(t.text, match)
	}
	if end < len(toks) {
		add("…", false)
	}
	return parts
}

// snippetTokens splits text into runs of word characters (as
// knowledge.Words keeps them, accents and apostrophes included) and runs
// of the rest; a Chinese or Japanese character is a word alone (with the
// marks that follow it).
func snippetTokens(text string) []snippetToken {
	var toks []snippetToken
	from, inWord, inCJK := 0, false, false
	for i, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '\'' || r == '’' || r == 'ʼ'
		cjk := knowledge.IsCJK(r)
		if i > 0 && (w != inWord || cjk || (inCJK && !unicode.Is(unicode.Mn, r))) {
			toks = append(toks, snippetToken{text: text[from:i], word: inWord, cjk: inCJK})
			from = i
		} else if inCJK {
			cjk = true // a mark joins its character
		}
		inWord, inCJK = w, cjk
	}
	if from < len(text) {
		toks = append(toks, snippetToken{text: text[from:], word: inWord, cjk: inCJK})
	}
	return toks
}

// foundTokens says which tokens the search's words found: a word that
// starts with one of them, or a Chinese or Japanese character within a
// run of them that holds one of the words' pairs (the index's terms).
func foundTokens(toks []snippetToken, words []string) []bool {
	found := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		if !toks[i].cjk {
			found[i] = toks[i].word && startsWithAny(toks[i].text, words)
			continue
		}
		// The run from i: its folded text, and where each character starts in it.
		var folded strings.Builder
		var at []int
		j := i
		for ; j < len(toks) && toks[j].cjk; j++ {
			at = append(at, folded.Len())
			folded.WriteString(knowledge.Fold(toks[j].text))
		}
		at = append(at, folded.Len())
		run := folded.String()
		for _, w := range words {
			if !knowledge.HasCJK(w) {
				continue
			}
			for from := 0; ; {
				k := strings.Index(run[from:], w)
				if k < 0 {
					break
				}
				lo, hi := from+k, from+k+len(w)
				for c := range j - i {
					if at[c] < hi && at[c+1] > lo {
						found[i+c] = true
					}
				}
				_, size := utf8.DecodeRuneInString(run[lo:])
				from = lo + size
			}
		}
		i = j - 1
	}
	return found
}

func startsWithAny(token string, words []string) bool {
	for _, piece := range knowledge.Words(token) {
		for _, w := range words {
			if strings.HasPrefix(piece, w) {
				return true
			}
		}
	}
	return false
}
