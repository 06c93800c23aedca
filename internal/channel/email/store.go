package email

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/emersion/go-message"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// Store is the media store as the email channel uses it: raw messages
// are kept whole, and attachments (inbound parts to extract, outbound
// files to attach) are read back.
type Store interface {
	// Save stores a file of the workspace and returns its id.
	Save(ctx context.Context, workspaceID int64, fileName string, body io.Reader) (string, error)
	// Open returns a stored file of the workspace; the caller closes it.
	Open(ctx context.Context, workspaceID int64, id string) (io.ReadCloser, FileInfo, error)
}

// FileInfo is what the store says of a file.
type FileInfo struct {
	ContentType string
	FileName    string
	Size        int64
}

// MediaStore adapts the node's media store.
func MediaStore(s *media.Store) Store { return mediaStore{s} }

type mediaStore struct{ s *media.Store }

func (m mediaStore) Save(ctx context.Context, workspaceID int64, fileName string, body io.Reader) (string, error) {
	saved, err := m.s.Save(ctx, media.Upload{WorkspaceID: workspaceID, FileName: fileName, Body: body})
	return saved.ID, err
}

func (m mediaStore) Open(ctx context.Context, workspaceID int64, id string) (io.ReadCloser, FileInfo, error) {
	f, file, err := m.s.Open(ctx, workspaceID, id)
	if err != nil {
		return nil, FileInfo{}, err
	}
	return file, FileInfo{ContentType: f.ContentType, FileName: f.FileName, Size: f.Size}, nil
}

// MaxRawBytes bounds the raw message read back to extract an attachment.
const MaxRawBytes = 64 << 20

// FetchMedia implements channel.MediaFetcher: ref is "<raw media id>/<part
// index>", the raw message stored when the mail arrived and the part's
// position in it (Email.Attachments); the part's decoded bytes are read
// from the stored message.
func (p *Provider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	store := p.deps().Media
	if store == nil {
		return channel.FetchedMedia{}, fmt.Errorf("email: fetch media: the node stores no media")
	}
	id, partText, ok := strings.Cut(ref.Ref, "/")
	index, err := strconv.Atoi(partText)
	if !ok || err != nil || index < 0 || id == "" {
		return channel.FetchedMedia{}, outbound.Permanent(fmt.Sprintf("%q is not an email attachment reference", ref.Ref))
	}
	rc, _, err := store.Open(ctx, ch.WorkspaceID, id)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return channel.FetchedMedia{}, outbound.Permanent("the raw message of this attachment is not stored")
	}
	if err != nil {
		return channel.FetchedMedia{}, fmt.Errorf("email: fetch media: %w", err)
	}
	defer rc.Close()
	body, ct, name, err := extractPart(io.LimitReader(rc, MaxRawBytes), index)
	if err != nil {
		return channel.FetchedMedia{}, err
	}
	return channel.FetchedMedia{Body: io.NopCloser(bytes.NewReader(body)), ContentType: ct, FileName: name}, nil
}

// extractPart returns the decoded bytes of the index-th leaf part.
func extractPart(r io.Reader, index int) (body []byte, contentType, fileName string, err error) {
	ent, rerr := message.ReadWithOptions(r, &message.ReadOptions{MaxHeaderBytes: maxHeaderBytes})
	if ent == nil {
		return nil, "", "", outbound.Permanent("the stored message cannot be read: " + rerr.Error())
	}
	found := false
	werr := walk(ent, func(idx int, part *message.Entity, _ error) error {
		if idx != index {
			return nil
		}
		found = true
		ct, params, _ := part.Header.ContentType()
		_, dparams, _ := part.Header.ContentDisposition()
		contentType, fileName = ct, fileName0(params, dparams)
		body, err = io.ReadAll(io.LimitReader(part.Body, MaxRawBytes))
		return errStop
	})
	if !found {
		if werr != nil && werr != errStop {
			return nil, "", "", outbound.Permanent("the stored message has no readable part " + strconv.Itoa(index) + ": " + werr.Error())
		}
		return nil, "", "", outbound.Permanent("the stored message has no part " + strconv.Itoa(index))
	}
	if err != nil && len(body) == 0 {
		// The stored bytes will not decode any better later.
		return nil, "", "", outbound.Permanent(fmt.Sprintf("part %d cannot be decoded: %v", index, err))
	}
	// A part that decodes only in part is served as far as it decodes,
	// as Parse announced it.
	return body, contentType, fileName, nil
}

func fileName0(params, dparams map[string]string) string { return fileName(params, dparams) }
