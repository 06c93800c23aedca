package knowledge

import (
	"strings"
)

// Chunking: an article is cut into passages along its headings and
// paragraphs. A passage gathers whole paragraphs up to about TargetWords
// words (never past MaxWords unless one paragraph is longer, which is then
// cut by words), and starts with the last OverlapWords words of the passage
// before it in the same section, so a sentence that straddles two passages
// is found in either.
const (
	TargetWords  = 300
	MaxWords     = 400
	OverlapWords = 40
)

// Chunk is one passage of an article.
type Chunk struct {
	Heading string // the nearest heading above the passage ("" before any)
	Text    string
}

// ChunkText cuts Markdown or plain text into passages.
func ChunkText(body string) []Chunk {
	type section struct {
		heading string
		paras   []string
	}
	var sections []section
	cur := section{}
	var para []string
	flushPara := func() {
		if p := strings.TrimSpace(strings.Join(para, "\n")); p != "" {
			cur.paras = append(cur.paras, p)
		}
		para = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		if h, ok := heading(t); ok {
			flushPara()
			if len(cur.paras) > 0 || cur.heading != "" {
				sections = append(sections, cur)
			}
			cur = section{heading: h}
			continue
		}
		if t == "" {
			flushPara()
			continue
		}
		para = append(para, t)
	}
	flushPara()
	sections = append(sections, cur)

	var out []Chunk
	for _, s := range sections {
		var cur []string // paragraphs of the passage being filled
		count, fresh := 0, 0
		emit := func() {
			if fresh > 0 {
				text := strings.Join(cur, "\n\n")
				out = append(out, Chunk{Heading: s.heading, Text: text})
				overlap := strings.Join(tail(strings.Fields(text), OverlapWords), " ")
				cur, count, fresh = []string{"… " + overlap}, len(strings.Fields(overlap)), 0
			}
		}
		for _, p := range s.paras {
			pw := strings.Fields(p)
			if len(pw) > MaxWords {
				// a paragraph too long for one passage: windows of words
				emit()
				for i := 0; i < len(pw); i += TargetWords - OverlapWords {
					end := min(len(pw), i+TargetWords)
					out = append(out, Chunk{Heading: s.heading, Text: strings.Join(pw[i:end], " ")})
					if end == len(pw) {
						break
					}
				}
				cur, count, fresh = nil, 0, 0
				continue
			}
			if fresh > 0 && count+len(pw) > TargetWords {
				emit()
			}
			cur = append(cur, p)
			count += len(pw)
			fresh += len(pw)
		}
		emit()
	}
	return out
}

func tail(ws []string, n int) []string {
	if len(ws) <= n {
		return ws
	}
	return ws[len(ws)-n:]
}

// heading reports whether a Markdown line is an ATX heading, and its text.
func heading(line string) (string, bool) {
	if !strings.HasPrefix(line, "#") {
		return "", false
	}
	h := strings.TrimLeft(line, "#")
	if len(line)-len(h) > 6 || (h != "" && h[0] != ' ') {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(h), "#")), true
}
