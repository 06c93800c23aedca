// Package media is the store of uploaded attachments: the bytes in a
// folder of the node (the data folder's media/ by default), named by a
// random id and never by the client's name, and a row per file saying
// whose it is and what it is, by content.
//
// The folder must be shared by every node that serves the workspace (on
// PostgreSQL with several nodes: shared storage mounted at the same path),
// since a file uploaded through one node is read through any.
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// DefaultMaxBytes is the largest file stored unless configured otherwise.
const DefaultMaxBytes = 25 << 20

// MaxFileNameLen bounds the client's file name kept (longer ones are cut).
const MaxFileNameLen = 200

// Media is a stored file.
type Media struct {
	ID          string    `json:"id"`
	WorkspaceID int64     `json:"-"`
	UploaderID  int64     `json:"uploader_id,omitempty"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"` // detected from the bytes
	Kind        string    `json:"kind"`         // image, audio, video or file
	FileName    string    `json:"file_name"`    // the client's name, sanitized
	CreatedAt   time.Time `json:"created_at"`
	fetchKey    string
}

// Upload is a file to store.
type Upload struct {
	WorkspaceID int64
	UploaderID  int64 // 0: an integration token
	FileName    string
	// DeclaredType is the Content-Type the client gave; it must agree
	// with the content (see agrees).
	DeclaredType string
	Body         io.Reader
	// MaxBytes, when set and below the store's limit, is this file's
	// (a channel's own limit on inbound media).
	MaxBytes int64
	// Kinds, when set, are the kinds of file accepted (image, audio,
	// video, file); others are refused.
	Kinds []string
}

// Options configure the store.
type Options struct {
	// Dir is where the files live, created 0700; with S3, where uploads
	// are spooled before they go to the bucket (empty: the system's
	// temporary folder).
	Dir      string
	MaxBytes int64 // largest file; 0: DefaultMaxBytes
	// S3, when set, keeps the bytes in an S3-compatible bucket instead of
	// Dir, so several nodes share them without shared storage.
	S3 *S3
}

// Store keeps files and their rows.
type Store struct {
	db       *db.DB
	dir      string // where uploads are spooled (and, without S3, kept)
	blobs    blobs
	maxBytes int64
}

// New returns the store, creating its folder (0700) if needed.
func New(d *db.DB, opts Options) (*Store, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	s := &Store{db: d, dir: opts.Dir, maxBytes: opts.MaxBytes, blobs: folder{opts.Dir}}
	if opts.S3 != nil {
		b, err := newS3(*opts.S3)
		if err != nil {
			return nil, err
		}
		s.blobs = b
		if s.dir == "" {
			s.dir = os.TempDir()
			return s, nil
		}
	}
	if opts.Dir == "" {
		return nil, errors.New("media: no folder configured")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	return s, nil
}

// MaxBytes is the largest file the store takes.
func (s *Store) MaxBytes() int64 { return s.maxBytes }

// Save stores a file: its type is detected from its first bytes and must
// be one of the allowed ones and agree with what the client declared
// (422 otherwise); a file over the limit is refused (413). The bytes are
// on disk, synced, before the row commits; a crash between the two leaves
// a file no row names, never a row without its file.
func (s *Store) Save(ctx context.Context, in Upload) (Media, error) {
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return Media{}, fmt.Errorf("media: save: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name()) // gone already once renamed
	}()
	hash := sha256.New()
	head := &headWriter{max: sniffLen}
	maxBytes := s.maxBytes
	if in.MaxBytes > 0 && in.MaxBytes < maxBytes {
		maxBytes = in.MaxBytes
	}
	n, err := io.Copy(io.MultiWriter(tmp, hash, head), io.LimitReader(in.Body, maxBytes+1))
	if apperr.KindOf(err) != "" {
		return Media{}, err // the caller's reader said what went wrong (too large, too slow)
	}
	if err != nil {
		return Media{}, fmt.Errorf("media: read upload: %w", err)
	}
	if n > maxBytes {
		return Media{}, apperr.TooLarge(fmt.Sprintf("a file may be at most %d bytes", maxBytes))
	}
	if n == 0 {
		return Media{}, apperr.Invalid("file", "is empty")
	}
	full, bare := detect(head.buf.Bytes())
	if !agrees(in.DeclaredType, bare) {
		return Media{}, apperr.Invalid("file", "is declared as %q but its content is %s", clip(in.DeclaredType), bare)
	}
	kind, ok := allowed[bare]
	if !ok {
		return Media{}, apperr.Invalid("file", "is %s, which is not accepted (images, PDF, plain text, XML, audio and video are)", bare)
	}
	if bare == "text/xml" && markupXML(head.buf.Bytes()) {
		return Media{}, apperr.Invalid("file", "is XML whose root is an SVG image or an XHTML page, which is not accepted")
	}
	if len(in.Kinds) > 0 && !slices.Contains(in.Kinds, kind) {
		return Media{}, apperr.Invalid("file", "is %s, a kind of file (%s) this channel does not accept", bare, kind)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return Media{}, fmt.Errorf("media: save: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return Media{}, fmt.Errorf("media: save: %w", err)
	}
	m := Media{ID: randomHex(16), WorkspaceID: in.WorkspaceID, UploaderID: in.UploaderID, SHA256: hex.EncodeToString(hash.Sum(nil)),
		Size: n, ContentType: full, Kind: kind, FileName: SafeFileName(in.FileName), fetchKey: randomHex(32)}
	if err := s.blobs.put(ctx, m.ID, tmp, n, m.SHA256); err != nil {
		return Media{}, fmt.Errorf("media: save: %w", err)
	}
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		now := tx.Now()
		m.CreatedAt = db.Time(now)
		// Looked at again a day on: deleted if nothing references it by
		// then (an upload never sent, see work.go).
		sweep := now + UnsentTTL.Milliseconds()
		_, err := tx.Exec(ctx, `INSERT INTO media (id, workspace_id, uploader_id, sha256, size, content_type, file_name, fetch_key, created_at,
			sweep_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.WorkspaceID, nullID(m.UploaderID), m.SHA256, m.Size, m.ContentType,
			m.FileName, m.fetchKey, now, sweep)
		tx.Due(DueKind, sweep)
		return err
	})
	if err != nil {
		s.blobs.remove(context.WithoutCancel(ctx), m.ID)
		return Media{}, fmt.Errorf("media: save: %w", err)
	}
	return m, nil
}

// Get returns a file's row; another workspace's file, or an id that is
// not one, is not found.
func (s *Store) Get(ctx context.Context, workspaceID int64, id string) (Media, error) {
	if !validID(id, 32) {
		return Media{}, apperr.NotFound("media")
	}
	m, err := s.get(ctx, id)
	if err != nil {
		return Media{}, err
	}
	if m.WorkspaceID != workspaceID {
		return Media{}, apperr.NotFound("media")
	}
	return m, nil
}

// Open returns a file's row and its bytes, for a member of its workspace.
// The caller closes the file.
func (s *Store) Open(ctx context.Context, workspaceID int64, id string) (Media, File, error) {
	m, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return Media{}, nil, err
	}
	return s.open(ctx, m)
}

// OpenByKey returns a file's row and bytes for whoever holds its fetch
// key: the integrator of a channel it was sent on (see URLPath).
func (s *Store) OpenByKey(ctx context.Context, id, key string) (Media, File, error) {
	if !validID(id, 32) || !validID(key, 64) {
		return Media{}, nil, apperr.NotFound("media")
	}
	m, err := s.get(ctx, id)
	if err != nil {
		return Media{}, nil, err
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(m.fetchKey)) != 1 {
		return Media{}, nil, apperr.NotFound("media")
	}
	return s.open(ctx, m)
}

// FetchPath is the path, on the node's address, where the integrator of
// a channel fetches the file without a token.
func (m Media) FetchPath() string { return "/media/" + m.ID + "/" + m.fetchKey }

func (s *Store) open(ctx context.Context, m Media) (Media, File, error) {
	f, err := s.blobs.open(ctx, m.ID, m.Size)
	if err != nil {
		return Media{}, nil, fmt.Errorf("media: open %s: %w", m.ID, err)
	}
	return m, f, nil
}

func (s *Store) get(ctx context.Context, id string) (Media, error) {
	var m Media
	var uploader sql.NullInt64
	var created int64
	err := s.db.Reader().QueryRow(ctx, `SELECT id, workspace_id, uploader_id, sha256, size, content_type, file_name, fetch_key, created_at
		FROM media WHERE id = ?`, id).Scan(&m.ID, &m.WorkspaceID, &uploader, &m.SHA256, &m.Size, &m.ContentType, &m.FileName, &m.fetchKey, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Media{}, apperr.NotFound("media")
	}
	if err != nil {
		return Media{}, fmt.Errorf("media: get: %w", err)
	}
	m.UploaderID, m.CreatedAt = uploader.Int64, db.Time(created)
	bare, _, _ := strings.Cut(m.ContentType, ";")
	m.Kind = allowed[bare]
	return m, nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	buf bytes.Buffer
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validID says whether s is n lowercase hex digits, as ids and keys are;
// anything else is not looked up (and cannot name a path).
func validID(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
