package media

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeFileName reduces a client's file name to one safe to store and to
// offer back in Content-Disposition: its last path element, valid UTF-8,
// without control or format characters, quotes or separators, at most
// MaxFileNameLen characters (a longer one cut before its extension);
// "file" when nothing is left.
func SafeFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError:
			continue
		case r == '"' || r == '/' || r == '\\' || r == ';' || r == '%':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ".")
	if utf8.RuneCountInString(name) > MaxFileNameLen {
		// Cut before the extension, so the file still opens with its
		// program, and not so that it ends in a space or a dot.
		stem, ext := name, ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && isExtension(name[i+1:]) {
			stem, ext = name[:i], name[i:]
		}
		stem = string([]rune(stem)[:MaxFileNameLen-utf8.RuneCountInString(ext)])
		name = strings.TrimRightFunc(stem, func(r rune) bool { return unicode.IsSpace(r) || r == '.' }) + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// isExtension says whether s, what follows a name's last dot, is an
// extension: 1 to 16 letters and digits.
func isExtension(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 16 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
