package widget

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/media"
)

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
	file, err := httpjson.File(w, r, store.MaxBytes())
	if err != nil {
		return err
	}
	m, err := store.Save(r.Context(), media.Upload{WorkspaceID: q.ch.WorkspaceID, FileName: file.FileName,
		DeclaredType: file.DeclaredType, Body: file.Body})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, Upload{MediaID: m.ID, Kind: m.Kind, ContentType: m.ContentType, FileName: m.FileName, Size: m.Size})
	return nil
}

// attachments makes the content of a visitor's message carrying files,
// in the shape of every attachment message ({"attachment": {…}}).
func (a *api) attachments(ctx context.Context, q request, o Outgoing) (json.RawMessage, error) {
	if a.deps.Media == nil {
		return nil, apperr.Invalid("media_ids", "this server does not keep files")
	}
	return a.deps.Media.Content(ctx, q.ch.WorkspaceID, o.MediaIDs, "")
}
