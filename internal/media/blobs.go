package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// File is a stored file's bytes as served: read and seeked (for ranges),
// closed by the caller.
type File interface {
	io.ReadSeekCloser
}

// blobs is where the bytes of stored files live: a folder of the node
// (folder) or an S3-compatible bucket (s3Blobs). A file's bytes are
// written once under its id and never change.
type blobs interface {
	// put stores the bytes of f (synced, at offset 0) under id; sum is
	// their SHA-256 in hex.
	put(ctx context.Context, id string, f *os.File, size int64, sum string) error
	// open returns the bytes stored under id; size is their length.
	open(ctx context.Context, id string, size int64) (File, error)
	// remove deletes the bytes stored under id; bytes already gone are
	// no error (a removal may run twice).
	remove(ctx context.Context, id string) error
}

// folder keeps each file in dir, named by its id.
type folder struct{ dir string }

func (b folder) path(id string) string { return filepath.Join(b.dir, id) }

// put renames the synced upload into place and syncs the folder: the
// file's sync covers its bytes, not the name the rename gave it, so
// without the folder's a crash right after an acknowledged upload could
// lose the file its committed row names. A failed sync fails the upload
// (its file removed): it is not acknowledged.
func (b folder) put(_ context.Context, id string, f *os.File, _ int64, _ string) error {
	path := b.path(id)
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if err := syncDir(b.dir); err != nil {
		os.Remove(path)
		return fmt.Errorf("sync the folder: %w", err)
	}
	return nil
}

// syncDir makes the renames done in dir durable (a variable: a test
// makes it fail). Windows cannot sync a folder, and its renames are
// journalled by NTFS.
var syncDir = func(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (b folder) open(_ context.Context, id string, _ int64) (File, error) {
	return os.Open(b.path(id))
}

func (b folder) remove(_ context.Context, id string) error {
	if err := os.Remove(b.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
