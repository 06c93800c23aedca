package media

import (
	"mime"
	"net/http" // for DetectContentType alone: the WHATWG sniffing algorithm, no transport
	"strings"
)

// sniffLen is how many leading bytes the content type is decided from.
const sniffLen = 512

// allowed maps each content type detected from the bytes that may be
// stored to the kind of attachment it is (the custom channel's types:
// image, audio, video, file). Anything else, HTML, SVG, scripts and
// executables among them, is refused.
var allowed = map[string]string{
	"image/png":       "image",
	"image/jpeg":      "image",
	"image/gif":       "image",
	"image/webp":      "image",
	"application/pdf": "file",
	"text/plain":      "file",
	"audio/mpeg":      "audio",
	"audio/wave":      "audio",
	"audio/ogg":       "audio",
	"video/mp4":       "video",
	"video/webm":      "video",
}

// aliases are declared types that name the same thing as a detected one.
var aliases = map[string]string{
	"image/jpg":       "image/jpeg",
	"image/pjpeg":     "image/jpeg",
	"audio/mp3":       "audio/mpeg",
	"audio/wav":       "audio/wave",
	"audio/x-wav":     "audio/wave",
	"audio/vnd.wave":  "audio/wave",
	"application/ogg": "audio/ogg",
	"video/ogg":       "audio/ogg",
	"audio/mp4":       "video/mp4", // the sniffer calls every MP4 container video/mp4
	"audio/x-m4a":     "video/mp4",
}

// detect returns the content type of a file from its first bytes, as
// stored and served (text keeps its charset), and the bare media type.
func detect(head []byte) (full, bare string) {
	full = http.DetectContentType(head)
	bare, _, _ = mime.ParseMediaType(full)
	if bare == "application/ogg" {
		full, bare = "audio/ogg", "audio/ogg"
	}
	return full, bare
}

// agrees says whether the type a client declared is compatible with the
// type detected from the content. No declaration, or a generic one, says
// nothing and agrees; a declaration that names another type is a lie (an
// HTML page declared image/png) and is refused.
func agrees(declared, detected string) bool {
	d, _, err := mime.ParseMediaType(declared)
	if declared == "" || (err == nil && d == "application/octet-stream") {
		return true
	}
	if err != nil {
		return false
	}
	if a, ok := aliases[d]; ok {
		d = a
	}
	if d == detected {
		return true
	}
	// Text files come declared as what they hold (CSV, Markdown, JSON):
	// they are served as plain text all the same. HTML is not text here.
	if detected == "text/plain" {
		return d == "application/json" || (strings.HasPrefix(d, "text/") && d != "text/html" && d != "text/xml")
	}
	return false
}
