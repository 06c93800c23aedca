//go:build !unix

package node

// folderLock is not available on this system: nothing keeps a second node
// from serving the same SQLite data folder, so do not start one.
type folderLock struct{}

func lockFolder(string) (*folderLock, error) { return nil, nil }

func (l *folderLock) release() {}
