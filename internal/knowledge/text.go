package knowledge

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Text processing shared by indexing and querying, so that both stores see
// the same terms: lower-case, diacritics folded (é → e, œ → oe), split on
// anything that is not a letter or a digit, English and French stop words
// removed, and a light suffix-stripping stemmer for both languages.

// Fold lower-cases s and removes its diacritics.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == '’' || r == 'ʼ':
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// words splits folded text into its words; elisions (l', d', qu', n') are
// dropped so "l'adresse" gives "adresse".
func words(folded string) []string {
	raw := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	out := raw[:0]
	for _, w := range raw {
		if i := strings.LastIndexByte(w, '\''); i >= 0 {
			// "l'adresse" → "adresse"; "don't" → "don" then "t" (stop words)
			head, tail := w[:i], w[i+1:]
			if len(head) <= 3 && tail != "" && tail != "t" && tail != "s" {
				w = tail
			} else {
				w = strings.ReplaceAll(w, "'", "")
			}
		}
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Words returns the words of s, folded (Fold) and split as the index
// splits them, without dropping stop words or stemming: what a search for
// the very words said matches (the inbox's message search).
// Chinese and Japanese runs are cut into pairs of characters (cjk.go).
func Words(s string) []string { return pairCJK(words(Fold(s)), false) }

// QueryWords are the words of a search as Words gives them, but for a
// Chinese or Japanese run its pairs of characters alone: what every text
// holding that run has among its Words.
func QueryWords(s string) []string { return pairCJK(words(Fold(s)), true) }

// Terms returns the index terms of s: folded, without stop words, stemmed;
// Chinese and Japanese runs as their pairs of characters (and last
// character), which a query's terms match as prefixes (prefixed).
func Terms(s string) []string {
	ws := pairCJK(words(Fold(s)), false)
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if stopWords[w] {
			continue
		}
		out = append(out, Stem(w))
	}
	return out
}

// Stem strips common English and French inflections from a folded word. It
// is deliberately light (plurals, verb endings, -ly/-ment adverbs): wrong
// stems cost less than missed matches, and the same function runs on the
// question and on the article.
func Stem(w string) string {
	if len([]rune(w)) <= 3 || !isAlpha(w) {
		return w
	}
	stripped := false
	for _, s := range suffixes {
		if strings.HasSuffix(w, s.from) && len(w)-len(s.from)+len(s.to) >= s.min {
			w = w[:len(w)-len(s.from)] + s.to
			stripped = true
			break
		}
	}
	// else a final feminine or plural e/x: "adresse" → "adress", like
	// "adresses"; "remboursé" (folded) → "rembours", like "remboursement"
	if !stripped && len(w) > 4 && (strings.HasSuffix(w, "e") || strings.HasSuffix(w, "x")) {
		w = w[:len(w)-1]
	}
	// doubled final consonant: "shipp" (shipping) → "ship"
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

func isAlpha(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// suffixes are tried in order, longest first; min is the shortest stem
// (with the replacement) the rule may leave.
var suffixes = []struct {
	from, to string
	min      int
}{
	{"issements", "", 4}, {"issement", "", 4},
	{"ations", "", 4}, {"ation", "", 4}, {"ements", "", 4}, {"ement", "", 4},
	{"ements", "", 4}, {"ments", "", 4}, {"ment", "", 4},
	{"ities", "", 4}, {"ity", "", 4}, {"ites", "", 4}, {"ite", "", 4},
	{"ingly", "", 3}, {"edly", "", 3}, {"fully", "", 3}, {"ness", "", 4},
	{"ies", "y", 3}, {"ied", "y", 3},
	{"ings", "", 3}, {"ing", "", 3},
	{"ees", "", 3}, {"ee", "", 3}, {"es", "", 4}, {"ed", "", 3},
	{"ers", "", 4}, {"er", "", 4}, {"ez", "", 4},
	{"euses", "", 4}, {"euse", "", 4}, {"eux", "", 4},
	{"ives", "", 4}, {"ive", "", 4},
	{"able", "", 4}, {"ible", "", 4},
	{"ly", "", 4},
	{"s", "", 3},
}

// stopWords are frequent English and French words (folded) that carry no
// topic: questions are full of them ("how do I", "comment est-ce que je").
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
a about above after again against all am an and any are aren as at be because been before being below between both but by
can cannot could did do does doing don down during each few for from further had has have having he her here hers herself
him himself his how i if in into is isn it its itself just let me more most my myself no nor not now of off on once only
or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves t s d ll m re ve y o also get got want need please hi hello thanks thank anyone
know tell way ok okay one still yet much many may might shall us via
au aux avec ce ces dans de des du elle en et eux il ils je j la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous
on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c l n est sont suis es ete etre
avoir ai as avez avons ont a fait faire faut peux peut pouvez puis puisse comment quand quel quelle quels quelles quoi ou
est-ce ceci cela ca si plus moins tres bien aussi alors donc car comme chez entre sans sous vers y bonjour merci svp
mon ma mes cette cet dois doit doivent veux voudrais voulez souhaite aimerais
`) {
		m[w] = true
	}
	return m
}()
