package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// PNG returns a small valid PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func setup(t *testing.T, d *db.DB, max int64) (*media.Store, string, int64, int64) {
	t.Helper()
	ws := workspace.New(d)
	a, err := ws.Create(context.Background(), "Acme", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ws.Create(context.Background(), "Other", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "media")
	s, err := media.New(d, media.Options{Dir: dir, MaxBytes: max})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir, a.ID, b.ID
}

func TestRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, dir, ws, other := setup(t, d, 0)
		img := pngBytes(t)
		// Named .txt and declared as nothing: the content decides.
		m, err := s.Save(ctx, media.Upload{WorkspaceID: ws, FileName: `C:\Users\ana\cat.txt`, Body: bytes.NewReader(img)})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(img)
		if m.ContentType != "image/png" || m.Kind != "image" || m.Size != int64(len(img)) || m.SHA256 != hex.EncodeToString(sum[:]) ||
			m.FileName != "cat.txt" || len(m.ID) != 32 {
			t.Fatalf("saved %+v", m)
		}
		// Stored under the random id, 0600 in a 0700 folder, nothing else left behind.
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 || entries[0].Name() != m.ID {
			t.Fatalf("folder holds %v", entries)
		}
		for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, m.ID): 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Fatalf("%s: mode %v, want %v (%v)", path, fi.Mode().Perm(), want, err)
			}
		}
		got, f, err := s.Open(ctx, ws, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(body, img) || got.ContentType != "image/png" || got.FileName != "cat.txt" {
			t.Fatalf("read back %+v, %d bytes", got, len(body))
		}
		if _, _, err := s.Open(ctx, other, m.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("another workspace: %v, want not found", err)
		}
		for _, id := range []string{"../../etc/passwd", strings.ToUpper(m.ID), m.ID[:31], ""} {
			if _, err := s.Get(ctx, ws, id); apperr.KindOf(err) != apperr.KindNotFound {
				t.Fatalf("id %q: %v, want not found", id, err)
			}
		}
		// The fetch path opens it without a workspace; a wrong key does not.
		key := strings.TrimPrefix(m.FetchPath(), "/media/"+m.ID+"/")
		if _, f, err := s.OpenByKey(ctx, m.ID, key); err != nil {
			t.Fatal(err)
		} else {
			f.Close()
		}
		if _, _, err := s.OpenByKey(ctx, m.ID, strings.Repeat("0", 64)); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("wrong key: %v", err)
		}
	})
}

func TestRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, dir, ws, _ := setup(t, d, 1024)
		img := pngBytes(t)
		for _, tc := range []struct {
			name, declared string
			body           []byte
			kind           apperr.Kind
		}{
			{"HTML declared as PNG", "image/png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), apperr.KindInvalid},
			{"HTML declared as nothing", "", []byte("<html><body>hi</body></html>"), apperr.KindInvalid},
			{"PNG declared as PDF", "application/pdf", img, apperr.KindInvalid},
			{"ELF executable", "application/octet-stream", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), apperr.KindInvalid},
			{"Windows executable", "", append([]byte("MZ\x90\x00\x03"), make([]byte, 64)...), apperr.KindInvalid},
			{"SVG", "image/svg+xml", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`), apperr.KindInvalid},
			{"empty", "", nil, apperr.KindInvalid},
			{"binary that only starts like an MP3 frame", "", append([]byte("\xFF\xFB\x90\x64"), bytes.Repeat([]byte{0, 1}, 300)...), apperr.KindInvalid},
			{"too large", "text/plain", bytes.Repeat([]byte("a"), 1025), apperr.KindTooLarge},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.Save(context.Background(), media.Upload{WorkspaceID: ws, DeclaredType: tc.declared, FileName: "x", Body: bytes.NewReader(tc.body)})
				if apperr.KindOf(err) != tc.kind {
					t.Fatalf("%v, want %s", err, tc.kind)
				}
			})
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("refused uploads left %v", entries)
		}
		var n int
		if err := d.Reader().QueryRow(context.Background(), `SELECT COUNT(*) FROM media`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows: %d %v", n, err)
		}
	})
}

func TestAccepted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, ws, _ := setup(t, d, 0)
		for _, tc := range []struct {
			name, declared string
			body           []byte
			want, kind     string
		}{
			{"PDF", "application/pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj"), "application/pdf", "file"},
			{"CSV as text", "text/csv", []byte("a,b\n1,2\n"), "text/plain; charset=utf-8", "file"},
			{"HTML-looking text", "text/plain", []byte("hello <script>alert(1)</script>"), "text/plain; charset=utf-8", "file"},
			{"JPEG declared jpg", "image/jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), "image/jpeg", "image"},
			{"GIF", "", []byte("GIF89a\x01\x00\x01\x00"), "image/gif", "image"},
			{"WebP", "image/webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), "image/webp", "image"},
			{"WebM", "video/webm", []byte("\x1A\x45\xDF\xA3\x01\x00\x00\x00"), "video/webm", "video"},
			{"Ogg declared audio/ogg", "audio/ogg", []byte("OggS\x00\x02\x00\x00"), "audio/ogg", "audio"},
			{"MP3", "audio/mpeg", []byte("ID3\x03\x00\x00\x00\x00\x00\x00"), "audio/mpeg", "audio"},
			{"MP3 without an ID3 tag", "audio/mpeg", mp3Frames(3), "audio/mpeg", "audio"},
			{"MP3 without an ID3 tag, declared as nothing", "", mp3Frames(1), "audio/mpeg", "audio"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m, err := s.Save(context.Background(), media.Upload{WorkspaceID: ws, DeclaredType: tc.declared, FileName: "x", Body: bytes.NewReader(tc.body)})
				if err != nil {
					t.Fatal(err)
				}
				if m.ContentType != tc.want || m.Kind != tc.kind {
					t.Fatalf("%s %s, want %s %s", m.ContentType, m.Kind, tc.want, tc.kind)
				}
			})
		}
	})
}

func TestReaderErrorsPassThrough(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, ws, _ := setup(t, d, 0)
		_, err := s.Save(context.Background(), media.Upload{WorkspaceID: ws, Body: io.MultiReader(strings.NewReader("abc"), errReader{apperr.TooLarge("body too large")})})
		if apperr.KindOf(err) != apperr.KindTooLarge {
			t.Fatalf("%v", err)
		}
		_, err = s.Save(context.Background(), media.Upload{WorkspaceID: ws, Body: errReader{errors.New("boom")}})
		if err == nil || apperr.KindOf(err) != "" {
			t.Fatalf("%v", err)
		}
	})
}

// mp3Frames returns n silent MPEG-1 Layer III frames (128 kbit/s, 44.1
// kHz: 417 bytes each) with no ID3 tag before them, as many encoders and
// recorders write MP3.
func mp3Frames(n int) []byte {
	frame := append([]byte("\xFF\xFB\x90\x64"), make([]byte, 417-4)...)
	return bytes.Repeat(frame, n)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":             "report.pdf",
		"../../etc/passwd":       "passwd",
		`C:\evil\a.exe`:          "a.exe",
		"a\"b;c%d.txt":           "a_b_c_d.txt",
		"line\r\nbreak\x00.txt":  "linebreak.txt",
		"":                       "file",
		"..":                     "file",
		".hidden":                "hidden",
		"café \u202eexe.png":     "café exe.png",
		strings.Repeat("é", 300): strings.Repeat("é", media.MaxFileNameLen),
		// A long name keeps its extension (a file a computer still opens)
		// and does not end in the space or dot the cut left.
		strings.Repeat("é", 250) + ".pdf":                                strings.Repeat("é", media.MaxFileNameLen-4) + ".pdf",
		strings.Repeat("a", 195) + " " + strings.Repeat("b", 9) + ".txt": strings.Repeat("a", 195) + ".txt",
		strings.Repeat("a", 199) + ". b":                                 strings.Repeat("a", 199),
		"\xff\xfeinvalid-utf8.txt":                                       "invalid-utf8.txt",
	} {
		if got := media.SafeFileName(in); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A CSV file from Excel on Windows comes declared application/vnd.ms-excel
// (the type Windows registers for .csv), and an XML document as text/xml
// or application/xml: both are kept, as files to download. The content
// still decides: an Excel workbook is no text, and XML whose root is an
// SVG image or an XHTML page is markup a browser would render.
func TestUploadAcceptsWindowsCSVAndXMLDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _, ws, _ := setup(t, d, 0)
		const xmlDoc = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<!-- export -->\n<orders><order id=\"1\"/></orders>\n"
		for _, tc := range []struct {
			name, declared string
			body           string
			want           string // content type stored; "" for refused
		}{
			{"CSV declared as Excel's", "application/vnd.ms-excel", "name,email\nAda,ada@example.com\n", "text/plain; charset=utf-8"},
			{"CSV declared as Excel's with a charset", "application/vnd.ms-excel; charset=windows-1252", "a;b\n1;2\n", "text/plain; charset=utf-8"},
			{"XML declared text/xml", "text/xml", xmlDoc, "text/xml; charset=utf-8"},
			{"XML declared application/xml", "application/xml", xmlDoc, "text/xml; charset=utf-8"},
			{"XML declared as nothing", "", xmlDoc, "text/xml; charset=utf-8"},
			{"XML without a declaration, declared text/xml", "text/xml", "<orders><order id=\"1\"/></orders>\n", "text/plain; charset=utf-8"},
			{"an Excel workbook declared as Excel's", "application/vnd.ms-excel", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 64), ""},
			{"SVG behind an XML declaration", "", `<?xml version="1.0"?>` + "\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", ""},
			{"SVG declared as XML", "application/xml", `<?xml version="1.0"?><!DOCTYPE svg><svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>`, ""},
			{"XHTML declared as XML", "text/xml", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m, err := s.Save(context.Background(), media.Upload{WorkspaceID: ws, DeclaredType: tc.declared, FileName: "x", Body: strings.NewReader(tc.body)})
				if tc.want == "" {
					if apperr.KindOf(err) != apperr.KindInvalid {
						t.Fatalf("saved %+v (%v), want refused", m, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if m.ContentType != tc.want || m.Kind != "file" {
					t.Fatalf("%s %s, want %s file", m.ContentType, m.Kind, tc.want)
				}
			})
		}
	})
}
