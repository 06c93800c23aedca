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
// 2025 à 10:30"), minutes a delay ("10 minutes"; French writes it alike).
// quote is the same in every language.
var languageFuncs = map[Language]template.FuncMap{
	English: {"asRole": englishAsRole, "date": englishDate, "minutes": minutes, "quote": quote},
	French:  {"asRole": frenchAsRole, "date": frenchDate, "minutes": minutes, "quote": quote},
}

// minutes writes a delay of a minute or more in whole minutes.
func minutes(d time.Duration) string {
	n := int(d.Round(time.Minute) / time.Minute)
	if n <= 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
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
