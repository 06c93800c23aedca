package emailtext

import "strings"

// Unflow undoes RFC 3676's format=flowed, which Thunderbird, Apple Mail
// and many mobile clients send: the sender's paragraphs are cut into lines
// of about 72 characters, each line that continues ending with a space.
// Shown as sent, every paragraph would be a column of short lines in the
// agent's chat bubble. A line ending with a space is joined with the next
// one of the same quote depth (with delSp, DelSp=yes, that space was added
// by the sender's client and goes); space-stuffing (a space added before
// a line starting with a space, ">" or "From ") is removed; the signature
// separator "-- " is never joined. Quoted lines come back with a "> "
// per level, so quotes stay recognisable (Reply).
func Unflow(text string, delSp bool) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	var para strings.Builder
	depth, open := 0, false
	end := func() {
		if open {
			out = append(out, quotePrefix(depth)+para.String())
			para.Reset()
			open = false
		}
	}
	for _, line := range lines {
		d := 0
		for d < len(line) && line[d] == '>' {
			d++
		}
		content := line[d:]
		content = strings.TrimPrefix(content, " ") // space-stuffing
		if open && d != depth {
			// A flowed line followed by one of another depth: RFC 3676
			// §4.5 treats it as fixed.
			end()
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delSp {
			content = content[:len(content)-1]
		}
		para.WriteString(content)
		depth, open = d, true
		if !flowed {
			end()
		}
	}
	end()
	return strings.Join(out, "\n")
}

func quotePrefix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat(">", depth) + " "
}
