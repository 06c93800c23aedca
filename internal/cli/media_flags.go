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
	s3             media.S3
}

func (m *mediaFlags) register(fs *flagSet) {
	fs.StringVar(&m.dir, "media-dir", "",
		"folder of uploaded attachments; empty is media/ in --data. Several nodes must share it (shared storage)"+fs.env("media-dir"))
	fs.Int64Var(&m.maxBytes, "media-max-bytes", media.DefaultMaxBytes,
		"largest upload in bytes; larger ones are refused with 413"+fs.env("media-max-bytes"))
	fs.StringVar(&m.publicURL, "public-url", "",
		"this server's address as channel integrators reach it, e.g. https://switchboard.example.com; "+
			"attachment URLs sent to them start with it (empty: paths alone)"+fs.env("public-url"))
	fs.StringVar(&m.s3.Endpoint, "media-s3-endpoint", "",
		"keep media in an S3-compatible bucket at this endpoint, e.g. https://s3.eu-west-1.amazonaws.com (empty: in --media-dir)"+fs.env("media-s3-endpoint"))
	fs.StringVar(&m.s3.Bucket, "media-s3-bucket", "", "the bucket of --media-s3-endpoint"+fs.env("media-s3-bucket"))
	fs.StringVar(&m.s3.Region, "media-s3-region", "us-east-1", "the bucket's region, as requests are signed for it"+fs.env("media-s3-region"))
	fs.StringVar(&m.s3.AccessKey, "media-s3-access-key", "", "the access key id"+fs.env("media-s3-access-key"))
	fs.StringVar(&m.s3.SecretKey, "media-s3-secret-key", "", "the secret access key (prefer the variable)"+fs.env("media-s3-secret-key"))
	fs.BoolVar(&m.s3.PathStyle, "media-s3-path-style", false,
		"address the bucket as <endpoint>/<bucket> (MinIO, most self-hosted servers) rather than <bucket>.<host>"+fs.env("media-s3-path-style"))
	fs.StringVar(&m.s3.Prefix, "media-s3-prefix", "", "put before every object's key, e.g. switchboard/"+fs.env("media-s3-prefix"))
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
	if m.s3.Endpoint != "" {
		if m.s3.Bucket == "" || m.s3.AccessKey == "" || m.s3.SecretKey == "" {
			return fmt.Errorf("--media-s3-endpoint needs --media-s3-bucket, --media-s3-access-key and --media-s3-secret-key")
		}
		s3 := m.s3
		cfg.MediaS3 = &s3
	}
	return nil
}
