package widget

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// multipartSlack is room for the multipart framing around the file.
const multipartSlack = 64 << 10

// maxUpload is the largest file a visitor may send: the media store's
// limit (0: the node keeps no media).
func (a *api) maxUpload() int64 {
	if a.deps.Media == nil {
		return 0
	}
	return a.deps.Media.MaxBytes()
}

// Upload is a visitor's stored file, to send with POST …/messages or the
// socket's message frame as media_ids.
type Upload struct {
	MediaID     string `json:"media_id"`
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	FileName    string `json:"file_name"`
	Size        int64  `json:"size"`
}

// upload is POST /widget/{channelID}/uploads: a multipart body with the
// file in the part "file", within the media store's limits (size, types
// detected from the bytes), counted against the visitor's rate.
func (a *api) upload(w http.ResponseWriter, r *http.Request, q request) error {
	v := visitorOf(r)
	if err := authenticate(q.ch, v); err != nil {
		return err
	}
	store := a.deps.Media
	if store == nil {
		return apperr.Invalid("file", "this server does not keep files")
	}
	if err := a.takeVisitor(q, v); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, store.MaxBytes()+multipartSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.BadRequest("the body must be multipart/form-data with the file in a part named \"file\"")
	}
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
		m, err := store.Save(r.Context(), media.Upload{WorkspaceID: q.ch.WorkspaceID, FileName: part.FileName(),
			DeclaredType: part.Header.Get("Content-Type"), Body: bodyReader{part}})
		if err != nil {
			return err
		}
		httpjson.WriteJSON(w, http.StatusCreated, Upload{MediaID: m.ID, Kind: m.Kind, ContentType: m.ContentType, FileName: m.FileName, Size: m.Size})
		return nil
	}
}

// attachments makes the content of a visitor's message carrying files,
// in the shape of every attachment message ({"attachment": {…}}).
func (a *api) attachments(ctx context.Context, q request, o Outgoing) (json.RawMessage, error) {
	if a.deps.Media == nil {
		return nil, apperr.Invalid("media_ids", "this server does not keep files")
	}
	return a.deps.Media.Content(ctx, q.ch.WorkspaceID, o.MediaIDs, "")
}

// bodyReader maps the errors of reading an upload to API errors.
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
		return apperr.Timeout("the file did not arrive in time")
	}
	return apperr.BadRequest("reading the multipart body: %v", err)
}
