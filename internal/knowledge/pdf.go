package knowledge

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// extractPDF reads the text of simple PDFs with no dependency: it inflates
// each content stream (FlateDecode or none) and collects the strings shown
// by the text operators (Tj, TJ, ', "), breaking lines on text moves. It
// reads what PDF writers emit for Latin text with standard or WinAnsi
// fonts (the bytes read as Latin-1) and UTF-16 strings; it does not apply
// ToUnicode maps, so text in subset CID fonts (many PDFs from word
// processors with embedded fonts) comes out as nothing or garbage, and
// scanned PDFs have no text at all. Those are refused: convert them to
// text or Markdown first.
func extractPDF(data []byte) (string, error) {
	var out strings.Builder
	rest := data
	for {
		i := streamStart.FindIndex(rest)
		if i == nil {
			break
		}
		dict := rest[max(0, bytes.LastIndex(rest[:i[0]], []byte("obj"))):i[0]]
		body := rest[i[1]:]
		end := bytes.Index(body, []byte("endstream"))
		if end < 0 {
			break
		}
		raw := body[:end]
		rest = body[end:]
		if bytes.Contains(dict, []byte("/Image")) || bytes.Contains(dict, []byte("/XRef")) || bytes.Contains(dict, []byte("/Length1")) ||
			bytes.Contains(dict, []byte("/FontFile")) {
			continue
		}
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				continue
			}
			inflated, err := io.ReadAll(io.LimitReader(r, 20<<20))
			if err != nil && len(inflated) == 0 {
				continue
			}
			raw = inflated
		} else if bytes.Contains(dict, []byte("/Filter")) {
			continue // another filter (DCT, LZW…): not text we can read
		}
		if !bytes.Contains(raw, []byte("BT")) {
			continue
		}
		pdfText(raw, &out)
		out.WriteString("\n\n")
	}
	text := tidy(out.String())
	if len(strings.Fields(text)) == 0 {
		return "", apperr.Invalid("file", "no text found in this PDF (scanned, or its fonts have no text mapping); upload it as text or Markdown")
	}
	return text, nil
}

var streamStart = regexp.MustCompile(`stream\r?\n`)

// pdfText runs a content stream's text operators.
func pdfText(c []byte, out *strings.Builder) {
	var operands []any // strings and numbers since the last operator
	var array []any
	inArray := false
	for i := 0; i < len(c); {
		ch := c[i]
		switch {
		case ch == '(':
			s, n := literal(c[i:])
			i += n
			if inArray {
				array = append(array, s)
			} else {
				operands = append(operands, s)
			}
		case ch == '<' && i+1 < len(c) && c[i+1] != '<':
			end := bytes.IndexByte(c[i:], '>')
			if end < 0 {
				return
			}
			s := hexString(c[i+1 : i+end])
			i += end + 1
			if inArray {
				array = append(array, s)
			} else {
				operands = append(operands, s)
			}
		case ch == '[':
			inArray, array = true, nil
			i++
		case ch == ']':
			inArray = false
			operands = append(operands, array)
			i++
		case ch == '%':
			for i < len(c) && c[i] != '\n' && c[i] != '\r' {
				i++
			}
		case ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '<' || ch == '>':
			i++
		default:
			j := i
			for j < len(c) && !bytes.ContainsRune([]byte(" \n\r\t()<>[]/%"), rune(c[j])) {
				j++
			}
			if j == i {
				j++ // a lone "/"
			}
			tok := string(c[i:j])
			i = j
			if f, err := strconv.ParseFloat(tok, 64); err == nil {
				if inArray {
					array = append(array, f)
				} else {
					operands = append(operands, f)
				}
				continue
			}
			if inArray || strings.HasPrefix(tok, "/") {
				continue
			}
			switch tok {
			case "Tj", "'", `"`:
				if tok != "Tj" {
					out.WriteString("\n")
				}
				for _, o := range operands {
					if s, ok := o.(string); ok {
						out.WriteString(s)
					}
				}
			case "TJ":
				for _, o := range operands {
					parts, _ := o.([]any)
					for _, p := range parts {
						switch v := p.(type) {
						case string:
							out.WriteString(v)
						case float64:
							if v < -200 {
								out.WriteString(" ")
							}
						}
					}
				}
			case "Td", "TD":
				if len(operands) >= 2 {
					if y, _ := operands[len(operands)-1].(float64); y != 0 {
						out.WriteString("\n")
					} else {
						out.WriteString(" ")
					}
				}
			case "T*", "Tm":
				out.WriteString("\n")
			case "ET":
				out.WriteString("\n")
			}
			operands = operands[:0]
		}
	}
}

// literal reads a PDF literal string at the start of c: "(…)", with
// nested parentheses and escapes; the bytes are read as Latin-1.
func literal(c []byte) (string, int) {
	var b []byte
	depth := 0
	i := 0
	for ; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch == '\\' && i+1 < len(c):
			i++
			switch e := c[i]; e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b', 'f':
			case '\n', '\r':
			default:
				if e >= '0' && e <= '7' {
					n, k := 0, 0
					for k < 3 && i+k < len(c) && c[i+k] >= '0' && c[i+k] <= '7' {
						n = n*8 + int(c[i+k]-'0')
						k++
					}
					i += k - 1
					b = append(b, byte(n))
				} else {
					b = append(b, e)
				}
			}
		case ch == '(':
			depth++
			if depth > 1 {
				b = append(b, ch)
			}
		case ch == ')':
			depth--
			if depth == 0 {
				return decodePDFString(b), i + 1
			}
			b = append(b, ch)
		default:
			b = append(b, ch)
		}
	}
	return decodePDFString(b), i
}

func hexString(h []byte) string {
	h = bytes.Join(bytes.Fields(h), nil)
	if len(h)%2 == 1 {
		h = append(h, '0')
	}
	b := make([]byte, len(h)/2)
	for i := range b {
		v, err := strconv.ParseUint(string(h[2*i:2*i+2]), 16, 8)
		if err != nil {
			return ""
		}
		b[i] = byte(v)
	}
	return decodePDFString(b)
}

// decodePDFString reads UTF-16BE (with its byte-order mark) or Latin-1.
// A string with a NUL byte is neither: it holds the two-byte glyph codes
// of a CID font (Identity-H), which only its ToUnicode map could read, so
// it gives no text (a PDF of nothing else is refused), not NUL characters
// that PostgreSQL refuses to store.
func decodePDFString(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return strings.ReplaceAll(string(utf16.Decode(u)), "\x00", "")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return ""
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
