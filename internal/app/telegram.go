package app

import (
	"context"
	"io"

	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// attachTelegram gives the Telegram provider the media store, from which
// it uploads the files agents attach (Telegram fetches a document by URL
// only when it is a PDF, a ZIP or a GIF).
func (a *App) attachTelegram() {
	p, ok := a.Channels.Registry().Provider(telegram.Type)
	if !ok || a.Media == nil {
		return
	}
	if t, ok := p.(*telegram.Provider); ok {
		t.Files = telegramFiles{a.Media}
	}
}

// telegramFiles is the media store as the Telegram provider reads it.
type telegramFiles struct{ s *media.Store }

func (f telegramFiles) Open(ctx context.Context, workspaceID int64, id string) (io.ReadCloser, string, error) {
	m, file, err := f.s.Open(ctx, workspaceID, id)
	if err != nil {
		return nil, "", err
	}
	return file, m.FileName, nil
}
