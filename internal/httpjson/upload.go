package httpjson

import (
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// multipartSlack is what a multipart body may hold beyond its file: the
// part headers and boundaries, a few hundred bytes in practice.
const multipartSlack = 64 << 10

// FilePart is the file of an upload: its name and declared type as the
// client sent them, and its bytes.
type FilePart struct {
	FileName     string
	DeclaredType string
	// Body reads the file; its errors are already API errors (413 over
	// the limit, 408 too slow, 400 a broken body).
	Body io.Reader
}

// File finds the part named "file" of a multipart/form-data upload of at
// most maxBytes, what a browser's FormData sends. Parts before it are
// skipped; the body is read as the caller reads Body, never buffered.
func File(w http.ResponseWriter, r *http.Request, maxBytes int64) (FilePart, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes+multipartSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return FilePart{}, apperr.BadRequest("the body must be multipart/form-data with the file in a part named \"file\"")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return FilePart{}, apperr.BadRequest("the body has no part named \"file\"")
		}
		if err != nil {
			return FilePart{}, bodyError(err)
		}
		if part.FormName() == "file" {
			return FilePart{FileName: part.FileName(), DeclaredType: part.Header.Get("Content-Type"), Body: bodyReader{part}}, nil
		}
	}
}

// bodyReader turns the errors of reading a request body into answers.
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
		return apperr.TooLarge("the file is larger than this server accepts")
	case errors.Is(err, os.ErrDeadlineExceeded):
		return apperr.Timeout("the request body did not arrive in time")
	}
	return apperr.BadRequest("reading the multipart body: %v", err)
}
