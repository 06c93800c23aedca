package sysmail

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// languageFuncs are the words the templates cannot spell out alone, per
// language: asRole is the phrase of a role ("as an agent", "en tant
// qu'agent"), date a day and time ("17 March 2025 at 10:30", "17 mars
// 2025 à 10:30"), delay a wait ("10 minutes", "30 secondes"). quote is
// the same in every language.
var languageFuncs = map[Language]template.FuncMap{
	English: {"asRole": englishAsRole, "date": englishDate, "delay": delayIn("second", "seconds"), "quote": quote},
	French:  {"asRole": frenchAsRole, "date": frenchDate, "delay": delayIn("seconde", "secondes"), "quote": quote},
}

// delayIn writes a wait in whole minutes, or in seconds under a minute,
// with a language's words for a second (minute is alike in both).
func delayIn(second, seconds string) func(time.Duration) string {
	return func(d time.Duration) string {
		unit, one, many := time.Minute, "minute", "minutes"
		if d < time.Minute {
			unit, one, many = time.Second, second, seconds
		}
		n := max(int(d.Round(unit)/unit), 1)
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
}

// quote sets text apart as a mail quotes: each line after "> ".
func quote(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

func englishAsRole(role string) string {
	if strings.IndexAny(role, "aeiou") == 0 {
		return "as an " + role
	}
	return "as a " + role
}

func englishDate(t time.Time) string { return t.Format("2 January 2006 at 15:04") }

// frenchRoles are the roles as the French web app names them.
var frenchRoles = map[string]string{"owner": "propriétaire", "manager": "responsable", "agent": "agent"}

func frenchAsRole(role string) string {
	name, ok := frenchRoles[role]
	if !ok {
		name = role
	}
	// que elides before a vowel: "en tant qu'agent".
	if strings.IndexAny(name, "aeioué") == 0 {
		return "en tant qu'" + name
	}
	return "en tant que " + name
}

var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// frenchDate writes the first of a month "1er", as French does.
func frenchDate(t time.Time) string {
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d à %s", day, frenchMonths[t.Month()-1], t.Year(), t.Format("15:04"))
}
