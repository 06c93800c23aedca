package app

import (
	"path/filepath"

	"github.com/switchboard-chat/switchboard/internal/channel/mediafetch"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// buildMedia opens the media store in the configured folder, else in the
// data folder's media/; with neither (PostgreSQL without --data or
// --media-dir) the node stores no media and its media routes answer 404.
func (a *App) buildMedia() error {
	dir := a.cfg.MediaDir
	if dir == "" && a.cfg.DataDir != "" {
		dir = filepath.Join(a.cfg.DataDir, "media")
	}
	if dir == "" && a.cfg.MediaS3 == nil {
		return nil
	}
	var err error
	a.Media, err = media.New(a.DB, media.Options{Dir: dir, MaxBytes: a.cfg.MediaMaxBytes, S3: a.cfg.MediaS3})
	return err
}

// wireMediaFetch runs the fetches of provider-held attachments into the
// media store (nothing to fetch into without one: they stay pending).
func (a *App) wireMediaFetch() {
	if a.Media == nil {
		return
	}
	f := mediafetch.New(a.DB, a.Channels, a.Media, mediafetch.Options{Due: a.Due, Group: a.Background, Node: a.node.ID(), Lease: 2 * a.cfg.Lease})
	a.engines = append(a.engines, f.Run)
}
