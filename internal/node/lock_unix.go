//go:build unix

package node

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockFile is the file in the data folder that the serving node holds
// locked: one node owns a SQLite store.
const LockFile = "switchboard.lock"

// folderLock is an exclusive lock on the data folder; the kernel releases
// it when the process ends, however it ends.
type folderLock struct{ f *os.File }

func lockFolder(dir string) (*folderLock, error) {
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("node: data folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("node: lock the data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("node: another switchboard node is serving the data folder %s (on SQLite one node owns the store; use PostgreSQL to run several)", dir)
		}
		return nil, fmt.Errorf("node: lock the data folder: %w", err)
	}
	return &folderLock{f: f}, nil
}

func (l *folderLock) release() {
	if l == nil {
		return
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
