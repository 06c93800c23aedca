package media

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// MaxAttachments is how many files one message carries: the custom
// channel's message (respond.io's format) holds one attachment.
const MaxAttachments = 1

// Attachment is the attachment of an outbound message, in the custom
// channel's format ({"type": image|audio|video|file, "url"}) plus what the
// app shows of it.
type Attachment struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	MediaID     string `json:"media_id"`
	ContentType string `json:"content_type"`
	FileName    string `json:"file_name"`
	Size        int64  `json:"size"`
}

// Content returns the content of an attachment message carrying the files
// ids, which must be the workspace's: {"attachment": {…}}. The URL is the
// file's fetch path after baseURL (the node's public address; empty keeps
// the path alone).
func (s *Store) Content(ctx context.Context, workspaceID int64, ids []string, baseURL string) (json.RawMessage, error) {
	if len(ids) > MaxAttachments {
		return nil, apperr.Invalid("attachments", "holds %d files; a message carries at most %d", len(ids), MaxAttachments)
	}
	var att Attachment
	for i, id := range ids {
		m, err := s.Get(ctx, workspaceID, id)
		if apperr.KindOf(err) == apperr.KindNotFound {
			return nil, apperr.Invalid("attachments", "item %d is no file of this workspace", i)
		}
		if err != nil {
			return nil, err
		}
		att = Attachment{Type: m.Kind, URL: strings.TrimRight(baseURL, "/") + m.FetchPath(), MediaID: m.ID,
			ContentType: m.ContentType, FileName: m.FileName, Size: m.Size}
	}
	return json.Marshal(map[string]Attachment{"attachment": att})
}
