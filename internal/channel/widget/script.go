package widget

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
)

// The widget's source: its script, and apart its styles and its survey
// card, which the script takes where it marks them.
var (
	//go:embed assets/widget.js
	scriptSource []byte
	//go:embed assets/widget.css
	styles string
	//go:embed assets/survey.js
	surveyCard []byte
)

// script is the widget a site embeds: hand-written JavaScript with no
// dependency, drawn in a shadow root.
var script = assemble(scriptSource, styles, surveyCard)

// The marks in widget.js: `const css = <stylesMark>;` takes the styles as
// a JavaScript string, and the survey card's code goes in place of
// surveyMark, inside the script's closure.
const (
	stylesMark = `/*widget.css*/""`
	surveyMark = `/*survey.js*/`
)

// assemble puts the styles (as a JSON string, which is a JavaScript one;
// Go's encoder escapes U+2028 and U+2029 too) and the survey card's code
// into the script at their marks.
func assemble(src []byte, css string, survey []byte) []byte {
	lit, _ := json.Marshal(css) // a string always marshals
	for _, mark := range []string{stylesMark, surveyMark} {
		if bytes.Count(src, []byte(mark)) != 1 {
			panic("widget: widget.js must hold " + mark + " once")
		}
	}
	out := bytes.Replace(src, []byte(stylesMark), lit, 1)
	return bytes.Replace(out, []byte(surveyMark), bytes.TrimSpace(survey), 1)
}

// ScriptVersion names the script's content: /widget.js?v=<ScriptVersion>
// may be cached for good.
var ScriptVersion = func() string {
	sum := sha256.Sum256(script)
	return hex.EncodeToString(sum[:6])
}()

// Script returns the widget's source, for tests that measure it.
func Script() []byte { return script }

// serveScript is GET /widget.js?channel=<id>[&v=<version>]: the same
// script for every channel (it reads its channel from its own URL). With
// the current version in the URL it is cached for a year; without, for
// five minutes, revalidated by its ETag.
func serveScript(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	etag := `"` + ScriptVersion + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == ScriptVersion {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(script)
}
