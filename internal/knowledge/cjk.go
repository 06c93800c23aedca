package knowledge

import (
	"unicode"
	"unicode/utf8"
)

// Chinese and Japanese are written without spaces between words, so a
// sentence would be one "word" and only its first characters findable.
// Their runs are indexed as overlapping pairs of characters (bigrams, as
// Lucene's CJK analyzer does) and the run's last character alone: any
// part of a run a search names is then found, a pair as a term, one
// character as a term's start. Korean, spaced into words, keeps its words.

// IsCJK says whether r is written in Han, Hiragana or Katakana (the long
// vowel mark ー and the iteration marks with them).
func IsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' || r == '々' || r == '〆'
}

// HasCJK says whether w holds a Chinese or Japanese character.
func HasCJK(w string) bool {
	for _, r := range w {
		if IsCJK(r) {
			return true
		}
	}
	return false
}

// pairCJK replaces each word of ws that holds Chinese or Japanese by its
// pieces (appendCJK).
func pairCJK(ws []string, query bool) []string {
	for i, w := range ws {
		if !HasCJK(w) {
			continue
		}
		out := append(make([]string, 0, len(ws)+8), ws[:i]...)
		for _, rest := range ws[i:] {
			if HasCJK(rest) {
				out = appendCJK(out, rest, query)
			} else {
				out = append(out, rest)
			}
		}
		return out
	}
	return ws
}

// appendCJK appends w's pieces to out: its runs of other letters and
// digits as words, its CJK runs as their pairs, and, for the index (not a
// query, whose pairs already name every character), each run's last
// character, which starts no pair.
func appendCJK(out []string, w string, query bool) []string {
	for len(w) > 0 {
		r, _ := utf8.DecodeRuneInString(w)
		n := runLen(w, IsCJK(r))
		run := w[:n]
		w = w[n:]
		if !IsCJK(r) {
			out = append(out, run)
			continue
		}
		if utf8.RuneCountInString(run) == 1 {
			out = append(out, run)
			continue
		}
		for i, r1 := range run {
			j := i + utf8.RuneLen(r1)
			if j == len(run) {
				if !query {
					out = append(out, run[i:])
				}
				break
			}
			_, size := utf8.DecodeRuneInString(run[j:])
			out = append(out, run[i:j+size])
		}
	}
	return out
}

// runLen is the length in bytes of w's first run of CJK (cjk) or other
// characters.
func runLen(w string, cjk bool) int {
	for i, r := range w {
		if IsCJK(r) != cjk {
			return i
		}
	}
	return len(w)
}
