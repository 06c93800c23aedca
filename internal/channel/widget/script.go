package widget

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"strings"
)

// script is the widget a site embeds: hand-written JavaScript with no
// dependency, drawn in a shadow root (assets/widget.js).
//
//go:embed assets/widget.js
var script []byte

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
