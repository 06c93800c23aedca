package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/app"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// mediaFlags say where uploaded attachments live, how large one may be,
// and the address integrators fetch sent attachments from.
type mediaFlags struct {
	dir, publicURL string
	maxBytes       int64
}

func (m *mediaFlags) register(fs *flagSet) {
	fs.StringVar(&m.dir, "media-dir", "",
		"folder of uploaded attachments; empty is media/ in --data. Several nodes must share it (shared storage)"+fs.env("media-dir"))
	fs.Int64Var(&m.maxBytes, "media-max-bytes", media.DefaultMaxBytes,
		"largest upload in bytes; larger ones are refused with 413"+fs.env("media-max-bytes"))
	fs.StringVar(&m.publicURL, "public-url", "",
		"this server's address as channel integrators reach it, e.g. https://switchboard.example.com; "+
			"attachment URLs sent to them start with it (empty: paths alone)"+fs.env("public-url"))
}

// apply checks the settings and puts them into cfg.
func (m *mediaFlags) apply(cfg *app.Config) error {
	if m.maxBytes < 1 {
		return fmt.Errorf("--media-max-bytes must be at least 1")
	}
	if m.publicURL != "" {
		u, err := url.Parse(m.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--public-url must be an http or https URL such as https://switchboard.example.com")
		}
	}
	cfg.MediaDir, cfg.MediaMaxBytes, cfg.PublicURL = m.dir, m.maxBytes, strings.TrimRight(m.publicURL, "/")
	return nil
}
