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

// snippetToken is a run of word characters, or of anything else.
type snippetToken struct {
	text string
	word bool
}

// Snippet cuts the passage of text around the first word that starts
// with one of words (folded, as the index holds them) and marks every
// such word in it. The words are compared as the index compares them
// (knowledge.Words), so what the index found is what the passage marks.
func Snippet(text string, words []string) []SnippetPart {
	toks := snippetTokens(strings.Join(strings.Fields(text), " "))
	// The first word found; the others are looked for within the passage
	// only (a long text's words past it are never shown).
	first := -1
	for i := range toks {
		if toks[i].word && startsWithAny(toks[i].text, words) {
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
		match := start+i == first || (first >= 0 && start+i > first && t.word && startsWithAny(t.text, words))
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
// of the rest.
func snippetTokens(text string) []snippetToken {
	var toks []snippetToken
	from, inWord := 0, false
	for i, r := range text {
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '\'' || r == '’' || r == 'ʼ'
		if i > 0 && w != inWord {
			toks = append(toks, snippetToken{text: text[from:i], word: inWord})
			from = i
		}
		inWord = w
	}
	if from < len(text) {
		toks = append(toks, snippetToken{text: text[from:], word: inWord})
	}
	return toks
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
