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
// MaxFileNameLen characters; "file" when nothing is left.
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
		name = string([]rune(name)[:MaxFileNameLen])
	}
	if name == "" {
		return "file"
	}
	return name
}
