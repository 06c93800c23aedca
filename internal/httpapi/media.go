package httpapi

import (
	"io"
	"mime"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// uploadMedia stores the part named "file" of a multipart/form-data body
// (what a browser's FormData sends). The part's filename is kept only to
// be offered back on download; its Content-Type, if given, must agree with
// the content.
func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	store := s.deps.Media
	if store == nil {
		return notFoundRoute(r)
	}
	file, err := httpjson.File(w, r, store.MaxBytes())
	if err != nil {
		return err
	}
	p := Principal(r)
	m, err := store.Save(r.Context(), media.Upload{WorkspaceID: p.WorkspaceID, UploaderID: p.UserID, FileName: file.FileName,
		DeclaredType: file.DeclaredType, Body: file.Body})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, m)
	return nil
}

// getMedia serves a file to a member of its workspace.
func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Media == nil {
		return notFoundRoute(r)
	}
	m, f, err := s.deps.Media.Open(r.Context(), Principal(r).WorkspaceID, r.PathValue("media"))
	if err != nil {
		return err
	}
	defer f.Close()
	serveMedia(w, r, m, f)
	return nil
}

// fetchMedia serves a file sent as an attachment to whoever holds its
// fetch key: the channel's integrator, which has no API token.
func (s *Server) fetchMedia(w http.ResponseWriter, r *http.Request) error {
	if s.deps.Media == nil {
		return notFoundRoute(r)
	}
	m, f, err := s.deps.Media.OpenByKey(r.Context(), r.PathValue("media"), r.PathValue("key"))
	if err != nil {
		return err
	}
	defer f.Close()
	serveMedia(w, r, m, f)
	return nil
}

// serveMedia answers a stored file so that a browser can never run it:
// its detected type with nosniff, a sandboxing CSP that loads nothing,
// and a download (not a page) for anything but images, audio and video.
// The bytes under an id never change, so it is cached for good, privately.
func serveMedia(w http.ResponseWriter, r *http.Request, m media.Media, f io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("ETag", `"`+m.SHA256+`"`)
	disposition := "attachment"
	if m.Kind == "image" || m.Kind == "audio" || m.Kind == "video" {
		disposition = "inline"
	}
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": m.FileName}); v != "" {
		disposition = v
	}
	h.Set("Content-Disposition", disposition)
	http.ServeContent(w, r, "", m.CreatedAt, f)
}
