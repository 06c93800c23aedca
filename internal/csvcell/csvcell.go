// Package csvcell keeps the CSV files Switchboard writes from running as
// formulas in a spreadsheet. Much of what they hold is written by
// customers (a contact's name from a channel profile, an answer saved to a
// field), and a cell that starts with =, +, -, @, a tab or a carriage
// return is a formula to Excel, LibreOffice and Google Sheets
// ("=HYPERLINK(…)" to phish whoever opens the export). Such a cell is
// written with a leading apostrophe, which spreadsheets show as text; a
// number (-12.5, +14155550100) is left alone. The contacts import reads
// the apostrophe away again, so an export imports back as it was.
package csvcell

import (
	"strconv"
	"strings"
)

// risky says whether s would be read as a formula.
func risky(s string) bool {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err != nil
}

// marked says whether s is what Escape prefixes: a formula after any
// apostrophes (an apostrophe of the value's own included, so that
// Unescape can tell it from the one Escape adds).
func marked(s string) bool { return risky(strings.TrimLeft(s, "'")) }

// Escape returns s as a cell no spreadsheet runs as a formula.
func Escape(s string) string {
	if marked(s) {
		return "'" + s
	}
	return s
}

// Row escapes every cell of row, in place, and returns it.
func Row(row []string) []string {
	for i, c := range row {
		row[i] = Escape(c)
	}
	return row
}

// Unescape undoes Escape: a cell of apostrophes before what would be a
// formula loses one apostrophe.
func Unescape(s string) string {
	if strings.HasPrefix(s, "'") && marked(s) {
		return s[1:]
	}
	return s
}
