package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// multipartSlack is what the multipart framing around the file may add
// to the body (boundaries, part headers, a few small fields).
const multipartSlack = 64 << 10

// uploadMedia stores the part named "file" of a multipart/form-data body
// (what a browser's FormData sends). The part's filename is kept only to
// be offered back on download; its Content-Type, if given, must agree with
// the content.
func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request) error {
	store := s.deps.Media
	if store == nil {
		return notFoundRoute(r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxBytes()+multipartSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.BadRequest("the body must be multipart/form-data with the file in a part named \"file\"")
	}
	p := Principal(r)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return apperr.BadRequest("the body has no part named \"file\"")
		}
		if err != nil {
			return bodyError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		m, err := store.Save(r.Context(), media.Upload{WorkspaceID: p.WorkspaceID, UploaderID: p.UserID, FileName: part.FileName(),
			DeclaredType: part.Header.Get("Content-Type"), Body: bodyReader{part}})
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusCreated, m)
		return nil
	}
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
func serveMedia(w http.ResponseWriter, r *http.Request, m media.Media, f *os.File) {
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

// bodyReader turns the errors of reading a request body into answers:
// over the size limit is 413, too slow is 408, a broken body 400.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = bodyError(err)
	}
	return n, err
}

func bodyError(err error) error {
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &maxErr):
		return apperr.TooLarge("the file is larger than this node accepts")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return apperr.Timeout("the request body did not arrive in time")
	}
	return apperr.BadRequest("reading the multipart body: %v", err)
}
