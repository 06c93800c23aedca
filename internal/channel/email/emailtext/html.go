// Package emailtext turns an email's body into what the timeline shows:
// HTML as plain, safe text, and a reply without the quoted history and
// the signature under it. The full message is kept elsewhere; these are
// for reading.
package emailtext

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxHTMLBytes bounds the HTML converted; the rest is dropped (the full
// message is kept as received).
const MaxHTMLBytes = 2 << 20

// HTMLToText returns the readable text of an HTML body: no markup, no
// script or style, entities decoded, paragraphs and line breaks kept,
// list items marked, and a link's address after its text when the text
// does not already show it. Nothing of the input is interpreted: the
// result is text to escape like any other.
func HTMLToText(src string) string {
	if len(src) > MaxHTMLBytes {
		src = src[:MaxHTMLBytes]
	}
	z := html.NewTokenizer(strings.NewReader(src))
	var b textBuilder
	skip := 0 // depth inside elements whose content is not text
	pre := 0  // depth inside <pre>: its text keeps its lines and spaces
	var links []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			switch {
			case skip > 0:
			case pre > 0:
				b.verbatim(string(z.Text()))
			default:
				b.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Br:
				b.newline()
			case atom.Pre:
				b.block()
				if tt == html.StartTagToken {
					pre++
					b.preStart = true
				}
			case atom.Li:
				b.block()
				b.text("- ")
			case atom.A:
				links = append(links, attr(tok, "href"))
				b.markLink()
			case atom.Img:
				if alt := attr(tok, "alt"); alt != "" && skip == 0 {
					b.text("[" + alt + "]")
				}
			default:
				if blockElements[tok.DataAtom] {
					b.block()
				}
			}
		case html.EndTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template, atom.Noscript:
				if skip > 0 {
					skip--
				}
			case atom.Td, atom.Th:
				b.space = true // cells side by side, not run together
			case atom.Pre:
				if pre > 0 {
					pre--
				}
				b.block()
			case atom.A:
				if n := len(links); n > 0 {
					b.endLink(links[n-1])
					links = links[:n-1]
				}
			default:
				if blockElements[tok.DataAtom] {
					b.block()
				}
			}
		}
	}
}

var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Tr: true, atom.Table: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Body: true, atom.Center: true,
}

func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// textBuilder collapses HTML whitespace the way a browser shows it:
// runs of spaces become one, blocks start on a new line, at most one
// blank line between blocks.
type textBuilder struct {
	sb        strings.Builder
	space     bool // a space is owed before the next word
	linkStart int  // where the current link's text began
	preStart  bool // at the start of a <pre>, whose first newline is no text
}

// verbatim writes a <pre>'s text as it is, lines and spaces kept (logs,
// code pasted into an HTML-only mail ran together as one line).
func (b *textBuilder) verbatim(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if b.preStart {
		s = strings.TrimPrefix(s, "\n") // as browsers show it
		b.preStart = false
	}
	if b.space && !b.atLineStart() && s != "" && !strings.HasPrefix(s, "\n") {
		b.sb.WriteByte(' ')
	}
	b.sb.WriteString(s)
	b.space = false
}

func (b *textBuilder) text(s string) {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if s != "" && isSpace(first) {
		b.space = true
	}
	for i, f := range strings.FieldsFunc(s, isSpace) {
		if (i > 0 || b.space) && !b.atLineStart() {
			b.sb.WriteByte(' ')
		}
		b.sb.WriteString(f)
		b.space = false
	}
	if s != "" && isSpace(last) {
		b.space = true
	}
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}

func (b *textBuilder) atLineStart() bool {
	s := b.sb.String()
	return s == "" || strings.HasSuffix(s, "\n")
}

func (b *textBuilder) newline() {
	b.sb.WriteByte('\n')
	b.space = false
}

// block starts a new paragraph: a blank line, unless one is there.
func (b *textBuilder) block() {
	s := b.sb.String()
	switch {
	case s == "" || strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		b.sb.WriteByte('\n')
	default:
		b.sb.WriteString("\n\n")
	}
	b.space = false
}

func (b *textBuilder) markLink() {
	if b.space && !b.atLineStart() {
		b.sb.WriteByte(' ')
		b.space = false
	}
	b.linkStart = b.sb.Len()
}

// endLink adds the address after the link's text, unless the text shows
// it already or it is not a web or mail address.
func (b *textBuilder) endLink(href string) {
	text := strings.TrimSpace(b.sb.String()[min(b.linkStart, b.sb.Len()):])
	addr := strings.TrimPrefix(href, "mailto:")
	lower := strings.ToLower(href)
	if addr == "" || !(strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "mailto:")) {
		return
	}
	if text == "" || strings.Contains(text, addr) || strings.Contains(addr, text) && len(text) > 8 {
		if text == "" {
			b.sb.WriteString(addr)
		}
		return
	}
	b.sb.WriteString(" (" + addr + ")")
}

// String returns the text, trimmed, with Windows and lone line feeds as \n.
func (b *textBuilder) String() string {
	lines := strings.Split(b.sb.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
