package httpapi_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

func TestKnowledge(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run(t, []scenario{
			{name: "no token", method: "GET", path: "/api/v1/knowledge/search?q=x", status: 401},
			{name: "a manager writes an article", method: "POST", path: "/api/v1/knowledge/articles", as: "manager",
				body:   `{"title":"Shipping times","body":"# Delivery\n\nStandard delivery takes 2 to 4 working days.","language":"en"}`,
				status: 201, capture: "ship", want: []string{`"title":"Shipping times"`, `"published":true`, `"chunks":1`, `"source_id":null`}},
			{name: "an owner writes another", method: "POST", path: "/api/v1/knowledge/articles", as: "owner",
				body: `{"title":"Remboursements","body":"Le remboursement arrive sous 10 jours ouvrés.","language":"fr"}`, status: 201, capture: "refund"},
			{name: "an agent may not write", method: "POST", path: "/api/v1/knowledge/articles", as: "agent",
				body: `{"title":"x","body":"y"}`, status: 403},
			{name: "an agent may not change", method: "PATCH", path: "/api/v1/knowledge/articles/{{ship}}", as: "agent",
				body: `{"title":"x"}`, status: 403},
			{name: "an agent may not see sources", method: "GET", path: "/api/v1/knowledge/sources", as: "agent", status: 403},
			{name: "no title", method: "POST", path: "/api/v1/knowledge/articles", as: "manager",
				body: `{"body":"y"}`, status: 422, want: []string{`"field":"title"`}},
			{name: "a bad language", method: "POST", path: "/api/v1/knowledge/articles", as: "manager",
				body: `{"title":"x","body":"y","language":"english!"}`, status: 422, want: []string{`"field":"language"`}},
			{name: "an agent searches", method: "GET", path: "/api/v1/knowledge/search?q=how+many+days+for+delivery", as: "agent", status: 200,
				want: []string{`"hits":[{"article_id":{{ship}}`, `"title":"Shipping times"`, `"heading":"Delivery"`, `"language":"en"`, `"source":"article"`, `"mode":"answer"`}},
			{name: "in French, accents folded", method: "GET", path: "/api/v1/knowledge/search?q=rembourse", as: "agent", status: 200,
				want: []string{`"title":"Remboursements"`}, notWant: []string{`Shipping`}},
			{name: "nothing matches", method: "GET", path: "/api/v1/knowledge/search?q=zebra", as: "agent", status: 200,
				want: []string{`"hits":[]`, `"mode":"handover"`}},
			{name: "a bad limit", method: "GET", path: "/api/v1/knowledge/search?q=x&limit=99", as: "agent", status: 400},
			{name: "a question too long", method: "GET", path: "/api/v1/knowledge/search?q=" + strings.Repeat("a", 501), as: "agent", status: 400},
			{name: "another workspace finds nothing", method: "GET", path: "/api/v1/knowledge/search?q=delivery", as: "stranger", status: 200,
				want: []string{`"hits":[]`}},
			{name: "nor reads it", method: "GET", path: "/api/v1/knowledge/articles/{{ship}}", as: "stranger", status: 404},
			{name: "an agent lists articles", method: "GET", path: "/api/v1/knowledge/articles", as: "agent", status: 200,
				want: []string{`"title":"Shipping times"`, `"title":"Remboursements"`}},
			{name: "a draft", method: "PATCH", path: "/api/v1/knowledge/articles/{{ship}}", as: "manager",
				body: `{"published":false}`, status: 200, want: []string{`"published":false`}},
			{name: "is not searched", method: "GET", path: "/api/v1/knowledge/search?q=delivery", as: "agent", status: 200,
				want: []string{`"hits":[]`}},
			{name: "a URL source must be http", method: "POST", path: "/api/v1/knowledge/sources", as: "manager",
				body: `{"kind":"url","url":"ftp://example.com/x"}`, status: 422, want: []string{`"field":"url"`}},
			{name: "a bad kind", method: "POST", path: "/api/v1/knowledge/sources", as: "manager",
				body: `{"kind":"rss","url":"https://example.com/x"}`, status: 422, want: []string{`"field":"kind"`}},
			{name: "a page on a private network is refused by the guard", method: "POST", path: "/api/v1/knowledge/sources", as: "manager",
				body: `{"kind":"url","url":"http://127.0.0.1:1/help"}`, status: 201, capture: "local",
				want: []string{`"status":"error"`, `"kind":"url"`}},
			{name: "sources list their status", method: "GET", path: "/api/v1/knowledge/sources", as: "manager", status: 200,
				want: []string{`"status":"error"`}},
			{name: "delete the source", method: "DELETE", path: "/api/v1/knowledge/sources/{{local}}", as: "manager", status: 204},
			{name: "delete an article", method: "DELETE", path: "/api/v1/knowledge/articles/{{refund}}", as: "manager", status: 204},
			{name: "it is gone", method: "GET", path: "/api/v1/knowledge/articles/{{refund}}", as: "agent", status: 404},
		})

		status, body := f.uploadKnowledge(t, "manager", "care.md", []byte("# Boot care\n\nWax the leather when water stops beading."))
		if status != 201 || !strings.Contains(string(body), `"kind":"file"`) || !strings.Contains(string(body), `"documents":1`) {
			t.Fatalf("upload: %d %s", status, body)
		}
		if status, _ := f.uploadKnowledge(t, "agent", "care.md", []byte("x")); status != 403 {
			t.Errorf("agent upload: %d", status)
		}
		if status, body := f.uploadKnowledge(t, "manager", "photo.png", []byte("\x89PNG\r\n\x1a\n")); status != 422 {
			t.Errorf("png upload: %d %s", status, body)
		}
		resp, out := f.fetch(t, "/api/v1/knowledge/search?q=wax+leather", "agent")
		if resp.StatusCode != 200 || !strings.Contains(string(out), `"title":"Boot care"`) || !strings.Contains(string(out), `"source":"file"`) {
			t.Errorf("search the file: %d %s", resp.StatusCode, out)
		}
	})
}

// uploadKnowledge POSTs a file to /api/v1/knowledge/files as as.
func (f *fixture) uploadKnowledge(t *testing.T, as, filename string, data []byte) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", filename)
	must0(t, err)
	part.Write(data)
	must0(t, w.Close())
	req, err := http.NewRequest("POST", f.srv.URL+"/api/v1/knowledge/files", &body)
	must0(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+f.tokens[as])
	resp, err := f.srv.Client().Do(req)
	must0(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}
