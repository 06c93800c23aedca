package aiagent

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// The rules that need no model, in English and French (docs/ai.md lists
// them). They run on every turn, with or without a model, before anything
// is sent to one: asking for a person or being upset is reason enough to
// hand over, and a rule that holds without a model cannot be talked out
// of by a prompt. Text is folded (lower case, no accents) and compared as
// whole words, so "humain" matches "Humain !" but "humanity" matches
// nothing.

// humanPhrases ask for a person.
var humanPhrases = []string{
	// English
	"human", "a person", "real person", "someone real", "an agent", "live agent", "real agent", "a representative",
	"an operator", "customer service", "talk to someone", "speak to someone", "speak with someone", "talk with someone",
	"not a bot", "not a robot", "stop the bot",
	// French
	"humain", "une personne", "vraie personne", "personne reelle", "un conseiller", "une conseillere", "un agent",
	"un operateur", "une operatrice", "service client", "parler a quelqu'un", "parler avec quelqu'un", "pas un robot",
	"pas un bot",
}

// negativeWords say the contact is upset. One is enough: an agent that
// misreads anger costs more than a hand-over that was not needed.
var negativeWords = []string{
	// English
	"angry", "furious", "terrible", "awful", "horrible", "worst", "useless", "ridiculous", "unacceptable", "disgusting",
	"scam", "rip off", "ripoff", "pathetic", "fed up", "sick of", "hate", "outrageous", "disappointed", "complaint",
	"lawyer", "refund now",
	// French
	"furieux", "furieuse", "en colere", "nul", "nulle", "inadmissible", "inacceptable", "honteux", "honte", "arnaque",
	"lamentable", "pire", "decu", "decue", "ras le bol", "marre", "scandaleux", "scandale", "plainte", "avocat",
	"inutile",
}

// folded is text folded and split into words, for phrase matching.
func folded(text string) []string {
	return strings.FieldsFunc(knowledge.Fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// hasPhrase reports whether the words hold one of the phrases as whole,
// consecutive words; it returns the phrase.
func hasPhrase(words []string, phrases []string) (string, bool) {
	for _, p := range phrases {
		pw := strings.Fields(p)
		for i := 0; i+len(pw) <= len(words); i++ {
			if slices.Equal(words[i:i+len(pw)], pw) {
				return p, true
			}
		}
	}
	return "", false
}

// AsksForHuman reports whether text asks for a person, and the phrase.
func AsksForHuman(text string) (string, bool) { return hasPhrase(folded(text), humanPhrases) }

// IsNegative reports whether text reads as upset, and the word.
func IsNegative(text string) (string, bool) { return hasPhrase(folded(text), negativeWords) }

// OnTopic reports whether text holds one of the topics (each a keyword or
// phrase, compared by its index terms, so "refunds" matches "refund").
// Terms match as the knowledge search's do, one the start of the other
// (sameWord): the stemmer leaves "delivery", "delivered" and "deliver"
// three terms. No topics: every text is on topic.
func OnTopic(text string, topics []string) bool {
	if len(topics) == 0 {
		return true
	}
	terms := knowledge.Terms(text)
	for _, t := range topics {
		tt := knowledge.Terms(t)
		if len(tt) == 0 {
			continue
		}
		all := true
		for _, x := range tt {
			if !slices.ContainsFunc(terms, func(y string) bool { return sameWord(x, y) }) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// sameWord reports whether two index terms are forms of one word: equal,
// or one the start of the other and at least minStem characters long
// ("deliv" and "delivery", "livr" and "livraison"); shorter ones would
// match unrelated words ("car" and "card").
func sameWord(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return a == b || utf8.RuneCountInString(a) >= minStem && strings.HasPrefix(b, a)
}

// minStem is the shortest term that matches the longer words it begins.
const minStem = 4
