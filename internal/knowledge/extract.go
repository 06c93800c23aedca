package knowledge

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// Document is text extracted from a file or a page.
type Document struct {
	Title string
	Body  string // Markdown-like: "# " headings, blank lines between paragraphs
}

// Extract reads an uploaded file by its name and content: Markdown, plain
// text, HTML or PDF (see extractPDF for what PDFs it reads).
func Extract(name string, data []byte) (Document, error) {
	ext := strings.ToLower(path.Ext(name))
	base := strings.TrimSuffix(path.Base(name), path.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")) || ext == ".pdf":
		text, err := extractPDF(data)
		if err != nil {
			return Document{}, err
		}
		return titled(base, text), nil
	case ext == ".html" || ext == ".htm" || looksHTML(data):
		return ExtractHTML(toUTF8(data, "text/html"), base), nil
	case ext == ".md" || ext == ".markdown" || ext == ".txt" || ext == "" || ext == ".text":
		if !utf8.Valid(data) {
			return Document{}, apperr.Invalid("file", "is not UTF-8 text")
		}
		if bytes.IndexByte(data, 0) >= 0 {
			// Valid UTF-8, but a binary file's (NUL is no character of a
			// text), which PostgreSQL would refuse to store.
			return Document{}, apperr.Invalid("file", "is not text: it holds NUL bytes")
		}
		return titled(base, string(data)), nil
	}
	return Document{}, apperr.Invalid("file", "must be Markdown, text, HTML or PDF")
}

// titled takes the title from a leading "# " heading, else the file name.
func titled(fallback, text string) Document {
	// A byte order mark (editors on Windows write one) would hide the title.
	text = strings.TrimSpace(strings.ReplaceAll(strings.TrimPrefix(text, "\ufeff"), "\r\n", "\n"))
	first, rest, _ := strings.Cut(text, "\n")
	if h, ok := heading(strings.TrimSpace(first)); ok && h != "" && strings.HasPrefix(first, "# ") {
		return Document{Title: h, Body: strings.TrimSpace(rest)}
	}
	return Document{Title: fallback, Body: text}
}

// toUTF8 returns a page or an HTML file as UTF-8. Text that is UTF-8
// already is kept as it is (whatever a misconfigured server declares);
// other bytes are decoded from the charset contentType or a <meta>
// declares, else from Windows-1252, as browsers do. Stored as they came,
// they would be refused by PostgreSQL and found by no search.
func toUTF8(data []byte, contentType string) []byte {
	if utf8.Valid(data) {
		return data
	}
	enc, _, _ := charset.DetermineEncoding(data, contentType)
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return out
}

func looksHTML(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 512)]))
	return strings.Contains(head, "<!doctype html") || strings.Contains(head, "<html")
}

// skipped are elements whose text is not content: scripts, styles, and the
// navigation around an article.
var skipped = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"nav": true, "header": true, "footer": true, "aside": true, "form": true, "button": true, "select": true, "iframe": true}

// blocks end a paragraph.
var blocks = map[string]bool{"p": true, "div": true, "section": true, "article": true, "main": true, "li": true,
	"ul": true, "ol": true, "table": true, "tr": true, "br": true, "blockquote": true, "pre": true, "dd": true, "dt": true}

// ExtractHTML turns a page into text: headings become "# " lines,
// blocks become paragraphs, scripts, styles and navigation are dropped. The
// title is the page's <title> (else its first h1, else fallback).
func ExtractHTML(data []byte, fallback string) Document {
	z := html.NewTokenizer(bytes.NewReader(data))
	var b strings.Builder
	var title, h1 string
	skip := 0
	inTitle, inHeading := false, ""
	var headingText strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			doc := Document{Title: strings.TrimSpace(title), Body: tidy(b.String())}
			if doc.Title == "" {
				doc.Title = h1
			}
			if doc.Title == "" {
				doc.Title = fallback
			}
			return doc
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case skipped[tag] && tt == html.StartTagToken:
				skip++
			case tag == "title":
				inTitle = tt == html.StartTagToken
			case len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6' && skip == 0:
				inHeading = tag
				headingText.Reset()
			case blocks[tag]:
				b.WriteString("\n\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case skipped[tag] && skip > 0:
				skip--
			case tag == "title":
				inTitle = false
			case tag == inHeading:
				h := strings.Join(strings.Fields(headingText.String()), " ")
				if h != "" {
					if h1 == "" && tag == "h1" {
						h1 = h
					}
					b.WriteString("\n\n" + strings.Repeat("#", int(tag[1]-'0')) + " " + h + "\n\n")
				}
				inHeading = ""
			case blocks[tag]:
				b.WriteString("\n\n")
			}
		case html.TextToken:
			text := string(z.Text())
			switch {
			case inTitle:
				title += text
			case skip > 0:
			case inHeading != "":
				headingText.WriteString(text)
			default:
				b.WriteString(text)
			}
		}
	}
}

// tidy collapses spaces inside lines and blank lines between paragraphs.
func tidy(s string) string {
	var out []string
	blank := true
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, line)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
