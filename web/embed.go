// Package web serves the agent web app, built by Vite into web/dist and
// embedded in the binary (`make build` builds it first when web/ changed).
package web

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the built app: its hashed assets with a long cache, and
// index.html for every other path (the app routes in the browser), each
// under the app's strict policy (headers.go). Built without the app (only
// dist/.keep), it answers a page saying how to build it.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return NewHandler(sub)
}

// NewHandler serves the app in files (the dist folder's contents).
func NewHandler(files fs.FS) http.Handler {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return http.HandlerFunc(notBuilt)
	}
	assets := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nonce := newNonce()
		setPageHeaders(w.Header(), nonce)
		p := path.Clean("/" + r.URL.Path)
		if strings.HasPrefix(p, "/assets/") {
			if _, err := fs.Stat(files, strings.TrimPrefix(p, "/")); err != nil {
				http.NotFound(w, r)
				return
			}
			// Vite names assets by their content: a name never changes meaning.
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			assets.ServeHTTP(w, r)
			return
		}
		// Every other path is a screen of the app: the page is always
		// revalidated so a new release is picked up on the next load.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(bytes.ReplaceAll(index, noncePlaceholder, []byte(nonce)))
	})
}

// noncePlaceholder, in index.html's <meta name="csp-nonce">, is replaced
// by each page's nonce.
var noncePlaceholder = []byte("__CSP_NONCE__")

func notBuilt(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte("<!doctype html><title>Switchboard</title><p>The web app is not built into this binary. " +
		"Build it with <code>make build</code> (needs Node.js 20+); the API works without it.</p>"))
}
