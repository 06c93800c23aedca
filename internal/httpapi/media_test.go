package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/media"
)

// mediaFixture is the fixture with a media store of at most 4 KiB a file.
func mediaFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	store, err := media.New(d, media.Options{Dir: filepath.Join(t.TempDir(), "media"), MaxBytes: 4096})
	must0(t, err)
	return newFixture(t, d, func(deps *httpapi.Deps) {
		deps.Media, deps.PublicURL = store, "https://switchboard.example"
	})
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	must0(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))))
	return b.Bytes()
}

// upload POSTs data as the part "file" of a multipart body; ctype is the
// part's Content-Type ("" for none).
func (f *fixture) upload(t *testing.T, as, filename, ctype string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.ReplaceAll(filename, `"`, `\"`)+`"`)
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	part, err := w.CreatePart(h)
	must0(t, err)
	part.Write(data)
	must0(t, w.Close())
	req, err := http.NewRequest("POST", f.srv.URL+"/api/v1/media", &body)
	must0(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	}
	resp, err := f.srv.Client().Do(req)
	must0(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// fetch GETs path with the token of as ("" for none).
func (f *fixture) fetch(t *testing.T, path, as string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	must0(t, err)
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	}
	resp, err := f.srv.Client().Do(req)
	must0(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

func TestMediaUploadAndDownload(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := mediaFixture(t, d)
		img := tinyPNG(t)
		// A PNG named .txt and declared as nothing is a PNG.
		status, body := f.upload(t, "agent", "cat.txt", "", img)
		if status != 201 {
			t.Fatalf("upload: %d %s", status, body)
		}
		var m media.Media
		must0(t, json.Unmarshal(body, &m))
		if m.ContentType != "image/png" || m.Kind != "image" || m.Size != int64(len(img)) || m.FileName != "cat.txt" {
			t.Fatalf("uploaded %s", body)
		}
		resp, got := f.fetch(t, "/api/v1/media/"+m.ID, "manager")
		if resp.StatusCode != 200 || !bytes.Equal(got, img) {
			t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(got))
		}
		for k, want := range map[string]string{
			"Content-Type":            "image/png",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
			"Cache-Control":           "private, max-age=31536000, immutable",
			"Content-Disposition":     `inline; filename=cat.txt`,
		} {
			if v := resp.Header.Get(k); v != want {
				t.Errorf("%s: %q, want %q", k, v, want)
			}
		}
		// Text is offered as a download, never shown as a page, under a
		// name that cannot break out of the header.
		status, body = f.upload(t, "agent", `../evil"; x=.txt`, "text/plain", []byte("hello <b>hi</b> there"))
		if status != 201 {
			t.Fatalf("upload text: %d %s", status, body)
		}
		must0(t, json.Unmarshal(body, &m))
		resp, _ = f.fetch(t, "/api/v1/media/"+m.ID, "agent")
		if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/plain; charset=utf-8" ||
			!strings.HasPrefix(cd, "attachment; ") || strings.Count(cd, ";") != 1 || strings.Contains(cd, "/") {
			t.Errorf("text served as %q, %q", ct, cd)
		}

		for _, tc := range []struct {
			path, as string
			status   int
		}{
			{"/api/v1/media/" + m.ID, "", 401},
			{"/api/v1/media/" + m.ID, "stranger", 404},
			{"/api/v1/media/" + strings.Repeat("0", 32), "agent", 404},
			{"/api/v1/media/..%2F..%2Fetc%2Fpasswd", "agent", 404},
			{"/media/" + m.ID + "/" + strings.Repeat("0", 64), "", 404},
		} {
			if resp, body := f.fetch(t, tc.path, tc.as); resp.StatusCode != tc.status {
				t.Errorf("GET %s as %q: %d, want %d: %s", tc.path, tc.as, resp.StatusCode, tc.status, body)
			}
		}
	})
}

func TestMediaRefused(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := mediaFixture(t, d)
		for _, tc := range []struct {
			name, filename, ctype string
			data                  []byte
			status                int
			want                  string
		}{
			{"HTML declared as PNG", "cat.png", "image/png", []byte("<html><script>alert(1)</script></html>"), 422, "text/html"},
			{"an executable", "setup.exe", "application/octet-stream", append([]byte("MZ\x90\x00"), make([]byte, 100)...), 422, "not accepted"},
			{"over the limit", "big.txt", "text/plain", bytes.Repeat([]byte("a"), 4097), 413, "4096"},
			{"far over the limit", "huge.txt", "text/plain", bytes.Repeat([]byte("a"), 200_000), 413, "4096"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.dump(t)
				status, body := f.upload(t, "agent", tc.filename, tc.ctype, tc.data)
				if status != tc.status || !strings.Contains(string(body), tc.want) || !strings.Contains(string(body), `"code"`) {
					t.Fatalf("%d %s, want %d with %q", status, body, tc.status, tc.want)
				}
				if after := f.dump(t); after["media"] != before["media"] {
					t.Fatalf("a refused upload left a row")
				}
			})
		}
		if status, _ := f.upload(t, "", "a.png", "", tinyPNG(t)); status != 401 {
			t.Fatalf("without a token: %d", status)
		}
		f.run(t, []scenario{
			{name: "not multipart", method: "POST", path: "/api/v1/media", as: "agent", body: `{"file":"x"}`, status: 400},
			{name: "no file part", method: "POST", path: "/api/v1/media", as: "agent", body: "--b--\r\n",
				header: map[string]string{"Content-Type": "multipart/form-data; boundary=b"}, status: 400},
		})
	})
}

func TestMediaWithoutStore(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if status, _ := f.upload(t, "agent", "a.png", "", tinyPNG(t)); status != 404 {
			t.Fatalf("upload without a store: %d", status)
		}
	})
}

func TestSendAttachment(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := mediaFixture(t, d)
		r := f.inbound(t, "+14155550101", "Ana", "m-1")
		f.vars["conv"] = itoa(r.ConversationID)
		img := tinyPNG(t)
		_, body := f.upload(t, "agent", "cat.png", "image/png", img)
		var m media.Media
		must0(t, json.Unmarshal(body, &m))
		f.vars["media"] = m.ID
		other := mediaFixture(t, d) // another workspace's file, on the same store tables
		_, body = other.upload(t, "agent", "dog.png", "", img)
		var theirs media.Media
		must0(t, json.Unmarshal(body, &theirs))
		f.vars["theirs"] = theirs.ID
		f.run(t, []scenario{
			{name: "another workspace's file", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"text":"look","attachments":["{{theirs}}"]}`, status: 422, want: []string{`"field":"attachments"`}},
			{name: "two files", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"attachments":["{{media}}","{{media}}"]}`, status: 422, want: []string{`"field":"attachments"`}},
			{name: "with another type", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"type":"text","text":"x","attachments":["{{media}}"]}`, status: 422, want: []string{`"field":"type"`}},
			{name: "with a caption", method: "POST", path: "/api/v1/conversations/{{conv}}/messages", as: "agent",
				body: `{"text":"a cat","attachments":["{{media}}"]}`, status: 202, capture: "msg",
				want: []string{`"type":"attachment"`, `"text":"a cat"`, `"attachment":{"type":"image","url":"https://switchboard.example/media/{{media}}/`,
					`"media_id":"{{media}}"`, `"content_type":"image/png"`}},
		})
		var msg struct {
			Content struct {
				Attachment media.Attachment `json:"attachment"`
			} `json:"content"`
		}
		f.get(t, "/api/v1/messages/{{msg}}", "agent", &msg)
		path := strings.TrimPrefix(msg.Content.Attachment.URL, "https://switchboard.example")
		// The integrator fetches it with the key alone.
		resp, got := f.fetch(t, path, "")
		if resp.StatusCode != 200 || !bytes.Equal(got, img) || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("integrator fetch %s: %d, %d bytes", path, resp.StatusCode, len(got))
		}
	})
}

// An XML document and a CSV file as Excel on Windows declares it are
// uploaded, and served as downloads in the sandbox, never as a page: the
// XML keeps its type, so a browser asked to show it would render markup.
func TestMediaXMLAndWindowsCSVAreServedAsDownloads(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := mediaFixture(t, d)
		for _, tc := range []struct {
			filename, ctype, data, want string
		}{
			{"orders.xml", "text/xml", `<?xml version="1.0"?><orders><order id="1"/></orders>`, "text/xml; charset=utf-8"},
			{"contacts.csv", "application/vnd.ms-excel", "name,email\r\nAda,ada@example.com\r\n", "text/plain; charset=utf-8"},
		} {
			status, body := f.upload(t, "agent", tc.filename, tc.ctype, []byte(tc.data))
			if status != 201 {
				t.Fatalf("upload %s: %d %s", tc.filename, status, body)
			}
			var m media.Media
			must0(t, json.Unmarshal(body, &m))
			if m.ContentType != tc.want || m.Kind != "file" {
				t.Fatalf("uploaded %s", body)
			}
			resp, got := f.fetch(t, "/api/v1/media/"+m.ID, "agent")
			if resp.StatusCode != 200 || string(got) != tc.data {
				t.Fatalf("download %s: %d %q", tc.filename, resp.StatusCode, got)
			}
			for k, want := range map[string]string{
				"Content-Type":            tc.want,
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": "default-src 'none'; sandbox",
				"Content-Disposition":     "attachment; filename=" + tc.filename,
			} {
				if v := resp.Header.Get(k); v != want {
					t.Errorf("%s %s: %q, want %q", tc.filename, k, v, want)
				}
			}
		}
		// An SVG image is no XML document to download, declared so or not.
		svg := `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
		if status, body := f.upload(t, "agent", "logo.xml", "application/xml", []byte(svg)); status != 422 || !strings.Contains(string(body), `"code"`) {
			t.Errorf("SVG as XML: %d %s, want 422", status, body)
		}
	})
}
