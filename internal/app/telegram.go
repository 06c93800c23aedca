package app

import (
	"context"
	"io"

	"github.com/switchboard-chat/switchboard/internal/channel/telegram"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// attachTelegram gives the Telegram provider the media store, from which
// it uploads the files agents attach (Telegram fetches a document by URL
// only when it is a PDF, a ZIP or a GIF), and the contacts, whose
// identity a send to a group upgraded to a supergroup moves.
func (a *App) attachTelegram() {
	p, ok := a.Channels.Registry().Provider(telegram.Type)
	if !ok {
		return
	}
	t, ok := p.(*telegram.Provider)
	if !ok {
		return
	}
	t.Identities = a.Contacts
	if a.Media != nil {
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
