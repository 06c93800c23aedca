package sysmail

import (
	"strings"

	"golang.org/x/text/language"
)

// Language is the language a mail is written in: the web app's, English
// or French.
type Language string

// The languages the node's mail is written in. Any other is English.
const (
	English Language = "en"
	French  Language = "fr"
)

// Languages are the node's languages, the default first.
var Languages = []Language{English, French}

// ParseLanguage is the node's language a language tag names ("fr",
// "fr-CA", "FR"): English for any other, or none.
func ParseLanguage(tag string) Language {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	if base == string(French) {
		return French
	}
	return English
}

// PickLanguage is the language of a mail sent for a request: the one the
// request names (the web app sends its own), else the first of the
// node's in the request's Accept-Language, by preference ("de, fr;q=0.8"
// is French), else English. A named language the node lacks is English,
// whatever the header says: the person chose it.
func PickLanguage(named, acceptLanguage string) Language {
	if strings.TrimSpace(named) != "" {
		return ParseLanguage(named)
	}
	// Sorted by quality, highest first; a malformed header is none.
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	for _, t := range tags {
		base, _ := t.Base()
		switch base.String() {
		case string(English):
			return English
		case string(French):
			return French
		}
	}
	return English
}
