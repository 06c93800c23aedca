package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/app"
)

// A node keeps media in its data folder's media/ (0700) unless told a
// folder of its own.
func TestMediaFolder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, mediaDir string
		want           func(data string) string
	}{
		{"in the data folder", "", func(data string) string { return filepath.Join(data, "media") }},
		{"a folder of its own", filepath.Join(t.TempDir(), "shared"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			a, err := app.New(ctx, app.Config{DataDir: data, MediaDir: tc.mediaDir, MediaMaxBytes: 10})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			want := tc.mediaDir
			if tc.want != nil {
				want = tc.want(data)
			}
			info, err := os.Stat(want)
			if err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
				t.Fatalf("media folder %s: %v, %v; want a 0700 folder", want, info, err)
			}
			if a.Media == nil || a.Media.MaxBytes() != 10 {
				t.Fatalf("media store %+v", a.Media)
			}
		})
	}
}
