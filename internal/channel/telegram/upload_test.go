package telegram

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// storedFiles is a media store of one workspace's files, by id.
type storedFiles struct {
	workspaceID int64
	files       map[string][2]string // id → name, bytes
	down        bool                 // the store cannot be read for now
}

func (s storedFiles) Open(_ context.Context, workspaceID int64, id string) (io.ReadCloser, string, error) {
	if s.down {
		return nil, "", errors.New("disk I/O error")
	}
	f, ok := s.files[id]
	if !ok || workspaceID != s.workspaceID {
		return nil, "", apperr.NotFound("media")
	}
	return io.NopCloser(strings.NewReader(f[1])), f[0], nil
}

// A file the composer attached (a stored file, with its media_id) is
// uploaded as multipart/form-data, whatever its kind: Telegram fetches a
// document by URL only when it is a PDF, a ZIP or a GIF, so a .docx sent
// by URL failed, and a URL needs the node's public address. A file given
// by URL alone (a workflow's) still goes by URL.
func TestStoredFileIsUploaded(t *testing.T) {
	api := newBotAPI(t)
	p := api.provider()
	ch := api.channel()
	p.Files = storedFiles{workspaceID: ch.WorkspaceID, files: map[string][2]string{
		"m1": {"contract.docx", "PK\x03\x04 the contract"},
		"m2": {"photo.png", "\x89PNG pixels"},
	}}
	for _, tc := range []struct {
		name    string
		content string
		call    botCall
	}{
		{"a document", `{"attachment":{"type":"file","url":"/media/m1/key","media_id":"m1","file_name":"Contract v2.docx"}}`,
			botCall{"sendDocument", map[string]any{"chat_id": 111222333.0, "caption": "please sign", "document": "upload:Contract v2.docx:PK\x03\x04 the contract"}}},
		{"a photo, named by the store", `{"attachment":{"type":"image","url":"/media/m2/key","media_id":"m2"}}`,
			botCall{"sendPhoto", map[string]any{"chat_id": 111222333.0, "caption": "please sign", "photo": "upload:photo.png:\x89PNG pixels"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(api.made())
			if _, err := p.Send(context.Background(), ch, "111222333", msgOf("attachment", "please sign", tc.content)); err != nil {
				t.Fatal(err)
			}
			got := api.made()[before:]
			if len(got) != 1 || !reflect.DeepEqual(got[0], tc.call) {
				t.Fatalf("calls %#v, want %#v", got, tc.call)
			}
		})
	}

	// Gone from the store: failed for good; the store down: tried again.
	_, err := p.Send(context.Background(), ch, "111222333", msgOf("attachment", "", `{"attachment":{"type":"file","media_id":"gone"}}`))
	if !outbound.IsPermanent(err) || !strings.Contains(err.Error(), "no longer stored") {
		t.Errorf("a file gone from the store: %v, want a permanent failure", err)
	}
	p.Files = storedFiles{down: true}
	_, err = p.Send(context.Background(), ch, "111222333", msgOf("attachment", "", `{"attachment":{"type":"file","media_id":"m1"}}`))
	if err == nil || outbound.IsPermanent(err) {
		t.Errorf("the store unreadable: %v, want an error that is retried", err)
	}
}

// A file sent by URL is fetched by Telegram within the call, which may take
// longer than an ordinary call's timeout: the call waits for it, as an
// upload does. Cut short at 15 s, it was retried and the contact could
// get the file twice.
func TestFileByURLOutwaitsTheCallTimeout(t *testing.T) {
	api := newBotAPI(t)
	release := make(chan struct{})
	api.hold = func(method string) {
		if method == "sendDocument" {
			<-release
		}
	}
	p := api.provider()
	p.Timeout = time.Millisecond // an ordinary call would give up at once
	done := make(chan error, 1)
	go func() {
		_, err := p.Send(context.Background(), api.channel(), "111222333", msgOf("attachment", "", `{"attachment":{"type":"file","url":"https://files.example.com/terms.pdf"}}`))
		done <- err
	}()
	select {
	case err := <-done:
		close(release)
		t.Fatalf("the send gave up while Telegram was fetching the file: %v", err)
	case <-time.After(50 * time.Millisecond): // well past the 1 ms timeout
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
