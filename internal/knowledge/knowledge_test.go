package knowledge_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/page"
)

func ptr[T any](v T) *T { return &v }

func TestTerms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"How do I return my shoes?", "return shoe"},
		{"Délais de livraison à l'étranger", "delai livraison etrang"},
		{"shipping shipped ships", "ship ship ship"},
		{"Remboursé, remboursement, rembourser", "rembours rembours rembours"},
		{"Œuvre CŒUR", "oeuvr coeur"},
	} {
		if got := strings.Join(knowledge.Terms(tc.in), " "); got != tc.want {
			t.Errorf("Terms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestChunkText(t *testing.T) {
	long := strings.Repeat("word ", 900)
	chunks := knowledge.ChunkText("# Intro\n\nshort paragraph\n\n## Big\n\n" + long + "\n\n## End\n\nlast words here")
	if len(chunks) < 4 {
		t.Fatalf("got %d chunks: %+v", len(chunks), chunks)
	}
	if chunks[0].Heading != "Intro" || chunks[0].Text != "short paragraph" {
		t.Errorf("first chunk %+v", chunks[0])
	}
	for _, c := range chunks {
		if n := len(strings.Fields(c.Text)); n > knowledge.MaxWords {
			t.Errorf("chunk of %d words", n)
		}
	}
	if last := chunks[len(chunks)-1]; last.Heading != "End" || last.Text != "last words here" {
		t.Errorf("last chunk %+v", last)
	}
	// passages of one section overlap
	if n := len(strings.Fields(chunks[2].Text)); n <= knowledge.OverlapWords {
		t.Errorf("second passage of Big has %d words", n)
	}
}

func article(t *testing.T, s *knowledge.Service, ws int64, title, body string) knowledge.Article {
	t.Helper()
	a, err := s.CreateArticle(context.Background(), ws, knowledge.ArticleInput{Title: &title, Body: &body})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestArticlesAndSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := knowledge.New(d, knowledge.Options{})
		ws, other := workspace(t, d), workspace(t, d)
		ship := article(t, s, ws, "Shipping times", "Standard delivery takes 2 to 4 working days. Express delivery arrives the next day.")
		ret := article(t, s, ws, "Returns", "You can return any item within 30 days for a refund. Returns are free.")
		article(t, s, other, "Shipping secrets", "Other workspace: delivery takes forever.")

		hits, err := s.Search(ctx, ws, "how many days does delivery take?", knowledge.SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 2 || hits[0].ArticleID != ship.ID || hits[0].Title != "Shipping times" || hits[0].Source != "article" || hits[0].Score <= 0 {
			t.Fatalf("hits %+v", hits)
		}
		if hits[0].Match != 1 {
			t.Errorf("match %v, want 1 (day, delivery, take)", hits[0].Match)
		}
		// typos, diacritics and case
		hits, _ = s.Search(ctx, ws, "RÉTURNS refnd", knowledge.SearchOptions{})
		if len(hits) == 0 || hits[0].ArticleID != ret.ID {
			t.Fatalf("typo hits %+v", hits)
		}
		// stop words only: nothing
		if hits, _ := s.Search(ctx, ws, "how do I", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Errorf("stop words found %+v", hits)
		}
		// unpublished articles are not searched; an update reindexes
		if _, err := s.UpdateArticle(ctx, ws, ret.ID, knowledge.ArticleInput{Published: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, ws, "refund", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Errorf("draft found %+v", hits)
		}
		if _, err := s.UpdateArticle(ctx, ws, ret.ID, knowledge.ArticleInput{Published: ptr(true), Body: ptr("Exchanges happen in our shops.")}); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, ws, "refund", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Errorf("old body found %+v", hits)
		}
		if hits, _ := s.Search(ctx, ws, "exchange", knowledge.SearchOptions{}); len(hits) != 1 {
			t.Errorf("new body not found %+v", hits)
		}
		// invalid input changes nothing
		if _, err := s.CreateArticle(ctx, ws, knowledge.ArticleInput{Title: ptr(" "), Body: ptr("x")}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("empty title: %v", err)
		}
		// delete, and another workspace's article is not found
		if err := s.DeleteArticle(ctx, other, ship.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("cross-workspace delete: %v", err)
		}
		if err := s.DeleteArticle(ctx, ws, ship.ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, ws, "delivery", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Errorf("deleted article found %+v", hits)
		}
		list, err := s.Articles(ctx, ws, knowledge.ArticleFilter{SourceID: -1}, page.All())
		if err != nil || len(list.Data) != 1 || list.Data[0].Chunks != 1 {
			t.Errorf("articles %+v %v", list, err)
		}
	})
}

// A workspace's ranking depends on its own articles only: another
// workspace writing many passages full of the same words changes neither
// the order nor the scores (and so not retrieval mode's confidence).
func TestSearchStatisticsPerWorkspace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := knowledge.New(d, knowledge.Options{})
		ws, other := workspace(t, d), workspace(t, d)
		article(t, s, ws, "Shipping times", "Standard delivery takes 2 to 4 working days. Express delivery arrives the next day.")
		article(t, s, ws, "Returns", "You can return any item within 30 days for a refund. Returns are free.")
		article(t, s, ws, "Gift cards", "Gift cards never expire and can pay for delivery.")
		const question = "how long does express delivery take, and can I return it?"
		search := func() []knowledge.Hit {
			t.Helper()
			hits, err := s.Search(ctx, ws, question, knowledge.SearchOptions{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return hits
		}
		before := search()
		if len(before) != 3 {
			t.Fatalf("hits %+v", before)
		}
		// In the other workspace "delivery" and "express" are everywhere
		// and "return" nowhere: a shared index would make them cheap and
		// "return" precious, reordering the first workspace's hits.
		for i := range 30 {
			article(t, s, other, fmt.Sprint("Express delivery ", i), "Express delivery, express delivery: our express delivery takes a day.")
		}
		after := search()
		if len(after) != len(before) {
			t.Fatalf("after the other workspace wrote: %d hits, want %d", len(after), len(before))
		}
		for i := range before {
			if after[i].ArticleID != before[i].ArticleID || math.Abs(after[i].Score-before[i].Score) > 1e-9 {
				t.Errorf("hit %d: %s %.6f, was %s %.6f", i, after[i].Title, after[i].Score, before[i].Title, before[i].Score)
			}
		}
	})
}

func TestHybridSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := knowledge.HashEmbedder{Dims: 128}
		s := knowledge.New(d, knowledge.Options{Embedders: func(context.Context, int64) (knowledge.Embedder, error) { return e, nil }})
		ws := workspace(t, d)
		a := article(t, s, ws, "Gift cards", "A gift card is valid for one year.")
		article(t, s, ws, "Warranty", "Our backpacks carry a ten year warranty.")
		hits, err := s.Search(ctx, ws, "gift card validity", knowledge.SearchOptions{})
		if err != nil || len(hits) == 0 || hits[0].ArticleID != a.ID {
			t.Fatalf("hybrid %+v %v", hits, err)
		}
		// fused scores: 1/(60+1) from each ranking for a passage first in both
		if want := 2.0 / 61; hits[0].Score < want-1e-9 || hits[0].Score > want+1e-9 {
			t.Errorf("rrf score %v, want %v", hits[0].Score, want)
		}
		full, _ := s.Search(ctx, ws, "gift card validity", knowledge.SearchOptions{FullTextOnly: true})
		if len(full) == 0 || full[0].Score == hits[0].Score {
			t.Errorf("full-text only %+v", full)
		}
	})
}

// failingEmbedder is a model that is down.
type failingEmbedder struct{}

func (failingEmbedder) Model() string { return "down" }
func (failingEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errors.New("503 from the model")
}

func TestEmbedderDown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := knowledge.New(d, knowledge.Options{Embedders: func(context.Context, int64) (knowledge.Embedder, error) { return failingEmbedder{}, nil }})
		ws := workspace(t, d)
		a := article(t, s, ws, "Gift cards", "A gift card is valid for one year.")
		hits, err := s.Search(ctx, ws, "gift card", knowledge.SearchOptions{})
		full, _ := s.Search(ctx, ws, "gift card", knowledge.SearchOptions{FullTextOnly: true})
		if err != nil || len(hits) != 1 || hits[0].ArticleID != a.ID || len(full) != 1 || hits[0].Score != full[0].Score {
			t.Fatalf("search with the model down: %+v %v, want the full-text ranking %+v", hits, err, full)
		}
	})
}

func TestAssess(t *testing.T) {
	for _, tc := range []struct {
		hits []knowledge.Hit
		want knowledge.Mode
	}{
		{nil, knowledge.ModeHandover},
		{[]knowledge.Hit{{Score: 5, Match: 1}, {Score: 2, Match: 0.5}}, knowledge.ModeAnswer},
		{[]knowledge.Hit{{Score: 5, Match: 1}, {Score: 4.8, Match: 1}}, knowledge.ModeClarify},
		{[]knowledge.Hit{{Score: 5, Match: 0.25}}, knowledge.ModeHandover},
		{[]knowledge.Hit{{Score: 5, Match: 1}}, knowledge.ModeAnswer},
	} {
		if got := knowledge.Assess(tc.hits); got.Mode != tc.want {
			t.Errorf("Assess(%+v) = %+v, want %s", tc.hits, got, tc.want)
		}
	}
}

func TestRobots(t *testing.T) {
	body := `# comments
User-agent: *
Disallow: /private/
Allow: /private/help$

User-agent: OtherBot
Disallow: /

User-agent: switchboard
User-agent: another
Disallow: /drafts
Allow: /drafts/public
Disallow: /*.pdf$
`
	mine := knowledge.ParseRobots(body, "Switchboard")
	star := knowledge.ParseRobots(body, "SomeCrawler")
	for _, tc := range []struct {
		r    knowledge.Robots
		path string
		want bool
	}{
		{mine, "/help", true},
		{mine, "/private/x", true}, // our group replaces *'s
		{mine, "/drafts/x", false},
		{mine, "/drafts/public/a", true},
		{mine, "/docs/a.pdf", false},
		{mine, "/docs/a.pdf?x", true},
		{star, "/private/x", false},
		{star, "/private/help", true},
		{star, "/private/help/more", false},
		{star, "/", true},
		{knowledge.ParseRobots("", "x"), "/anything", true},
	} {
		if got := tc.r.Allowed(tc.path); got != tc.want {
			t.Errorf("Allowed(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestExtract(t *testing.T) {
	doc, err := knowledge.Extract("faq.html", []byte(`<!doctype html><html><head><title>FAQ</title><style>p{}</style></head>
<body><nav>Home | Shop</nav><h1>Questions</h1><p>How to <b>return</b> an item.</p><script>alert(1)</script><h2>Refunds</h2><p>Refunds take 5 days.</p><footer>© shop</footer></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "FAQ" || doc.Body != "# Questions\n\nHow to return an item.\n\n## Refunds\n\nRefunds take 5 days." {
		t.Errorf("html: %+v", doc)
	}
	doc, _ = knowledge.Extract("notes.md", []byte("# Care guide\n\nWash at 30 °C."))
	if doc.Title != "Care guide" || doc.Body != "Wash at 30 °C." {
		t.Errorf("markdown: %+v", doc)
	}
	doc, _ = knowledge.Extract("notes.txt", []byte("Plain text"))
	if doc.Title != "notes" || doc.Body != "Plain text" {
		t.Errorf("text: %+v", doc)
	}
	doc, err = knowledge.Extract("guide.pdf", testPDF(t, "BT /F1 12 Tf 72 720 Td (Warranty \\(two years\\)) Tj 0 -14 Td [(Keep your ) -300 (invoice.)] TJ ET"))
	if err != nil || doc.Title != "guide" || doc.Body != "Warranty (two years)\nKeep your invoice." {
		t.Errorf("pdf: %+v %v", doc, err)
	}
	if _, err := knowledge.Extract("scan.pdf", testPDF(t, "q 100 0 0 100 0 0 cm /Im1 Do Q")); apperr.KindOf(err) != apperr.KindInvalid {
		t.Errorf("pdf without text: %v", err)
	}
	if _, err := knowledge.Extract("photo.png", []byte("\x89PNG\r\n")); apperr.KindOf(err) != apperr.KindInvalid {
		t.Errorf("png: %v", err)
	}
}

// testPDF writes a one-page PDF whose content stream (Flate-compressed) is
// content.
func testPDF(t *testing.T, content string) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(content))
	w.Close()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	b.WriteString("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	b.WriteString("3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n")
	fmt.Fprintf(&b, "4 0 obj << /Length %d /Filter /FlateDecode >> stream\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func TestSources(t *testing.T) {
	pages := map[string]string{
		"/robots.txt":   "User-agent: *\nDisallow: /secret\n",
		"/sitemap.xml":  `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{{base}}/help/returns</loc></url><url><loc>{{base}}/secret/page</loc></url><url><loc>https://elsewhere.example/x</loc></url></urlset>`,
		"/help/returns": `<html><head><title>Returns</title></head><body><p>Return boots within 30 days.</p></body></html>`,
		"/help/ship":    `<html><head><title>Shipping</title></head><body><p>Parcels travel with Colissimo.</p></body></html>`,
		"/secret/page":  `<html><body>never fetched</body></html>`,
	}
	fetched := map[string]int{}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fetched[r.URL.Path]++
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasSuffix(r.URL.Path, ".xml") {
			w.Header().Set("Content-Type", "application/xml")
		} else if strings.HasSuffix(r.URL.Path, ".txt") {
			w.Header().Set("Content-Type", "text/plain")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, strings.ReplaceAll(body, "{{base}}", "http://"+r.Host))
	}))
	defer srv.Close()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mu.Lock()
		clear(fetched)
		mu.Unlock()
		// the guarded client, with the test server's loopback allowed
		guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		s := knowledge.New(d, knowledge.Options{HTTP: guard.Client()})
		ws := workspace(t, d)

		sm, err := s.AddSource(ctx, ws, knowledge.SourceInput{Kind: knowledge.KindSitemap, URL: srv.URL + "/sitemap.xml"})
		if err != nil {
			t.Fatal(err)
		}
		sm, err = s.Sync(ctx, ws, sm.ID)
		if err != nil || sm.Status != knowledge.StatusReady || sm.Documents != 1 || sm.SyncedAt == nil {
			t.Fatalf("sitemap sync %+v %v (%s)", sm, err, sm.Error)
		}
		mu.Lock()
		if fetched["/secret/page"] != 0 || fetched["/robots.txt"] != 1 {
			t.Errorf("fetched %v", fetched)
		}
		mu.Unlock()
		hits, _ := s.Search(ctx, ws, "return boots", knowledge.SearchOptions{})
		if len(hits) != 1 || hits[0].Source != knowledge.KindSitemap || hits[0].URL != srv.URL+"/help/returns" || *hits[0].SourceID != sm.ID {
			t.Fatalf("hits %+v", hits)
		}
		// an AI agent limited to some sources (0: the articles written in the app)
		article(t, s, ws, "Boots", "Boots can be returned unworn.")
		for _, tc := range []struct {
			ids  []int64
			want int
		}{{nil, 2}, {[]int64{0}, 1}, {[]int64{sm.ID}, 1}, {[]int64{0, sm.ID}, 2}, {[]int64{}, 0}} {
			hits, err := s.Search(ctx, ws, "return boots", knowledge.SearchOptions{SourceIDs: tc.ids})
			if err != nil || len(hits) != tc.want {
				t.Errorf("sources %v: %d hits, want %d (%v)", tc.ids, len(hits), tc.want, err)
			}
			for _, h := range hits {
				if len(tc.ids) == 1 && tc.ids[0] == 0 && h.SourceID != nil {
					t.Errorf("sources [0] found %+v", h)
				}
			}
		}
		hybrid := knowledge.SearchOptions{SourceIDs: []int64{0}, Embedder: knowledge.HashEmbedder{}}
		if hits, _ := s.Search(ctx, ws, "return boots", hybrid); len(hits) != 1 || hits[0].SourceID != nil {
			t.Errorf("hybrid with sources [0]: %+v", hits)
		}

		// re-sync replaces the documents
		mu.Lock()
		pages["/help/returns"] = `<html><head><title>Returns</title></head><body><p>Send sandals back within 60 days.</p></body></html>`
		mu.Unlock()
		if sm, err = s.Sync(ctx, ws, sm.ID); err != nil || sm.Documents != 1 {
			t.Fatal(sm, err)
		}
		if hits, _ := s.Search(ctx, ws, "boots", knowledge.SearchOptions{SourceIDs: []int64{sm.ID}}); len(hits) != 0 {
			t.Errorf("old page still found: %+v", hits)
		}
		mu.Lock()
		pages["/help/returns"] = `<html><head><title>Returns</title></head><body><p>Return boots within 30 days.</p></body></html>`
		mu.Unlock()

		page, _ := s.AddSource(ctx, ws, knowledge.SourceInput{Kind: knowledge.KindURL, URL: srv.URL + "/help/ship"})
		if page, err = s.Sync(ctx, ws, page.ID); err != nil || page.Status != knowledge.StatusReady {
			t.Fatal(page, err)
		}
		// a page robots.txt disallows is an error, recorded on the source
		bad, _ := s.AddSource(ctx, ws, knowledge.SourceInput{Kind: knowledge.KindURL, URL: srv.URL + "/secret/page"})
		bad, err = s.Sync(ctx, ws, bad.ID)
		if err != nil || bad.Status != knowledge.StatusError || !strings.Contains(bad.Error, "robots.txt") {
			t.Errorf("disallowed page %+v %v", bad, err)
		}
		// the guard refuses what the operator has not allowed
		strict := knowledge.New(d, knowledge.Options{HTTP: netguard.New(netguard.Options{}).Client()})
		if src, err := strict.Sync(ctx, ws, page.ID); err != nil || src.Status != knowledge.StatusError {
			t.Errorf("guarded sync %+v %v", src, err)
		}
		if _, err := s.AddSource(ctx, ws, knowledge.SourceInput{Kind: knowledge.KindURL, URL: "file:///etc/passwd"}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("file url: %v", err)
		}

		// an uploaded file
		f, err := s.UploadFile(ctx, ws, "care.md", []byte("# Boot care\n\nWax the leather when water stops beading."))
		if err != nil || f.Kind != knowledge.KindFile || f.Documents != 1 {
			t.Fatal(f, err)
		}
		hits, _ = s.Search(ctx, ws, "wax leather", knowledge.SearchOptions{})
		if len(hits) != 1 || hits[0].Title != "Boot care" || hits[0].Source != knowledge.KindFile {
			t.Fatalf("file hits %+v", hits)
		}
		list, _ := s.Sources(ctx, ws)
		if len(list) != 4 {
			t.Errorf("sources %+v", list)
		}
		// deleting a source removes its documents; their articles cannot be deleted alone
		if err := s.DeleteArticle(ctx, ws, hits[0].ArticleID); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("delete a file's article: %v", err)
		}
		if err := s.DeleteSource(ctx, ws, f.ID); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, ws, "wax leather", knowledge.SearchOptions{}); len(hits) != 0 {
			t.Errorf("deleted source found %+v", hits)
		}
	})
}

// A group applies to the crawler its user-agent names, as a whole product
// token ("Switchboard", "Switchboard/2.0"), never to one whose name it
// only begins: "S" or "Switch" is another crawler (RFC 9309 §2.2.1).
func TestRobotsGroupNamesAWholeProductToken(t *testing.T) {
	for _, c := range []struct {
		group string
		mine  bool
	}{
		{"S", false}, {"Switch", false}, {"switchboard", true}, {"Switchboard/2.0", true}, {"SWITCHBOARD", true},
	} {
		body := "User-agent: *\nAllow: /\n\nUser-agent: " + c.group + "\nDisallow: /\n"
		if got := !knowledge.ParseRobots(body, "Switchboard").Allowed("/page"); got != c.mine {
			t.Errorf("User-agent: %s applies to Switchboard: %v, want %v", c.group, got, c.mine)
		}
	}
}
