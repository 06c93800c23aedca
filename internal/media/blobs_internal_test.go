package media

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// An upload is acknowledged only once the rename that puts its file in
// place is durable: the folder is synced after the rename (syncing the
// file covers its bytes, not its name), and a failed sync fails the
// upload, leaving neither the file nor a row.
func TestFolderSyncsItsDirectoryAfterTheRename(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "media")
		s, err := New(d, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		real := syncDir
		t.Cleanup(func() { syncDir = real })
		var synced []string // the folder's files at each sync
		syncDir = func(path string) error {
			if path != dir {
				t.Errorf("synced %s, want the media folder %s", path, dir)
			}
			entries, _ := os.ReadDir(path)
			for _, e := range entries {
				synced = append(synced, e.Name())
			}
			return real(path) // the real fsync runs too
		}
		m, err := s.Save(ctx, Upload{WorkspaceID: w.ID, FileName: "a.txt", Body: strings.NewReader("hello")})
		if err != nil {
			t.Fatal(err)
		}
		if len(synced) != 1 || synced[0] != m.ID {
			t.Fatalf("the folder was synced holding %v, want once holding the renamed %s", synced, m.ID)
		}

		syncDir = func(string) error { return errors.New("fsync: input/output error") }
		if _, err := s.Save(ctx, Upload{WorkspaceID: w.ID, FileName: "b.txt", Body: strings.NewReader("lost")}); err == nil {
			t.Fatal("an upload whose rename could not be synced was acknowledged")
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != m.ID {
			t.Errorf("the folder holds %v, want only %s", entries, m.ID)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media`); n != 1 {
			t.Errorf("%d rows, want 1", n)
		}
	})
}
