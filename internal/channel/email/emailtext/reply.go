package emailtext

import (
	"regexp"
	"strings"
)

// Reply returns what the sender wrote in a plain-text email: the text
// above the quoted message it replies to and above their signature. Mail
// clients mark those differently; the rules below follow the common ones
// (Gmail, Apple Mail, Outlook, Thunderbird, in English, French, German
// and Spanish). When stripping would leave nothing, the whole text is
// returned: a reply is never shown empty. A forwarded message is what the
// sender passes on, not history: when the client's forward marker comes
// before any quote, the whole text is kept.
func Reply(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i := 0; i < len(lines); i++ {
		if forwarded.MatchString(lines[i]) {
			return strings.TrimSpace(text)
		}
		if quoteStarts(lines, i) {
			cut = i
			break
		}
	}
	kept := lines[:cut]
	// A block of ">" lines at the end is the quote of a client that wrote
	// no header line.
	end := len(kept)
	for end > 0 && (strings.HasPrefix(strings.TrimSpace(kept[end-1]), ">") || strings.TrimSpace(kept[end-1]) == "") {
		end--
	}
	if end < len(kept) && hasQuote(kept[end:]) {
		kept = kept[:end]
	}
	kept = dropSignature(kept)
	out := strings.TrimSpace(strings.Join(kept, "\n"))
	if out == "" {
		return strings.TrimSpace(text)
	}
	return out
}

var (
	// "On Tue, 3 Mar 2026 at 10:02, Ana <ana@x.com> wrote:" — possibly
	// wrapped over two lines by the client.
	onWrote  = regexp.MustCompile(`(?i)^\s*(on\b.+\bwrote|le\b.+\ba écrit|am\b.+\bschrieb\b.*|el\b.+\bescribió)\s*:\s*$`)
	onStart  = regexp.MustCompile(`(?i)^\s*(on|le|am|el)\s.+`)
	wroteEnd = regexp.MustCompile(`(?i)(wrote|a écrit|schrieb|escribió)\s*:\s*$`)
	// Outlook's separators and header block.
	original  = regexp.MustCompile(`(?i)^\s*-{2,}\s*(original message|message d'origine|ursprüngliche nachricht|mensaje original)\s*-{2,}\s*$`)
	underline = regexp.MustCompile(`^\s*_{10,}\s*$`)
	fromLine  = regexp.MustCompile(`(?i)^\s*\*?(from|de|von)\s*:\*?\s+\S`)
	sentLine  = regexp.MustCompile(`(?i)^\s*\*?(sent|date|envoyé|gesendet|enviado|to|à)\s*:\*?\s`)
	subjLine  = regexp.MustCompile(`(?i)^\s*\*?(subject|objet|betreff|asunto)\s*:\*?(\s|$)`)
	// The line above a forwarded message (Gmail, Thunderbird, Apple Mail),
	// in the same languages.
	forwarded = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado)\s*-{2,}|begin forwarded message\s*:|début du message réexpédié\s*:|anfang der weitergeleiteten nachricht\s*:|inicio del mensaje reenviado\s*:)\s*$`)
	// Mobile clients' one-line signatures.
	mobile = regexp.MustCompile(`(?i)^\s*(sent from my \w+|sent from (outlook|mail) for|get outlook for \w+|envoyé de mon \w+|von meinem \w+ gesendet)\b`)
)

// quoteStarts reports whether line i begins the quoted message.
func quoteStarts(lines []string, i int) bool {
	l := lines[i]
	switch {
	case onWrote.MatchString(l), original.MatchString(l):
		return true
	case onStart.MatchString(l) && i+1 < len(lines) && wroteEnd.MatchString(lines[i+1]) && len(l) < 200:
		return true
	case underline.MatchString(l) && i+1 < len(lines) && fromLine.MatchString(lines[i+1]):
		return true
	case fromLine.MatchString(l):
		// An Outlook header block: From: then Sent:/Date:/To: and Subject:
		// within the next lines (a long To: or Cc: wraps). Subject: is
		// what tells it from a customer's own "From: Paris / To: Berlin".
		sent, subject := false, false
		for j := i + 1; j < len(lines) && j <= i+10; j++ {
			sent = sent || sentLine.MatchString(lines[j])
			subject = subject || subjLine.MatchString(lines[j])
		}
		return sent && subject
	}
	return false
}

func hasQuote(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), ">") {
			return true
		}
	}
	return false
}

// dropSignature cuts at the signature delimiter ("-- " on its own line,
// RFC 3676) or at a mobile client's one-line signature near the end.
func dropSignature(lines []string) []string {
	for i, l := range lines {
		if l == "-- " || l == "--" {
			return lines[:i]
		}
	}
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-3; i-- {
		if mobile.MatchString(lines[i]) {
			return lines[:i]
		}
	}
	return lines
}
