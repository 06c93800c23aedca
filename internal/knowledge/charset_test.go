package knowledge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// HTML in a legacy charset — declared in a <meta> of an uploaded file, or
// in the Content-Type of a fetched page — is read as text in that
// charset, not stored as bytes that are not UTF-8 (which PostgreSQL
// refuses, failing the upload or the whole sync, and which no search for
// the accented words finds).
func TestHTMLInLegacyCharset(t *testing.T) {
	// "Délai de retour : 30 jours. Frais « offerts »." in Windows-1252.
	latin := "<p>D\xe9lai de retour : 30 jours. Frais \xabofferts\xbb.</p>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/retours" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte("<html><head><title>Retours</title></head><body>" + latin + "</body></html>"))
	}))
	defer srv.Close()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		guard := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		s := knowledge.New(d, knowledge.Options{HTTP: guard.Client()})
		ws := workspace(t, d)

		f, err := s.UploadFile(ctx, ws, "retours.html", []byte(`<html><head><meta charset="windows-1252"><title>Retours (fichier)</title></head><body>`+latin+`</body></html>`))
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		page, err := s.AddSource(ctx, ws, knowledge.SourceInput{Kind: knowledge.KindURL, URL: srv.URL + "/retours"})
		if err != nil {
			t.Fatal(err)
		}
		if page, err = s.Sync(ctx, ws, page.ID); err != nil || page.Status != knowledge.StatusReady {
			t.Fatalf("sync: %+v %v", page, err)
		}
		for _, src := range []int64{f.ID, page.ID} {
			hits, err := s.Search(ctx, ws, "délai de retour", knowledge.SearchOptions{SourceIDs: []int64{src}})
			if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Passage, "Délai de retour") || !strings.Contains(hits[0].Passage, "«offerts»") {
				t.Fatalf("source %d: hits %+v %v", src, hits, err)
			}
		}
	})
}

// A PDF whose text is in a two-byte CID font (Identity-H, what word
// processors embed) holds glyph numbers, not characters: without its
// ToUnicode map it has no text we can read, and is refused (422) as
// docs/knowledge.md says — not read as Latin-1 into NUL characters,
// which PostgreSQL refuses with an internal error and no search finds.
func TestPDFInCIDFontIsRefused(t *testing.T) {
	cid := testPDF(t, "BT /F1 12 Tf 72 720 Td <0036004B0052005A00030037004B0048> Tj 0 -14 Td [<002400550057004C> -300 <0046004F0048>] TJ ET")
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := knowledge.New(d, knowledge.Options{})
		ws := workspace(t, d)
		if src, err := s.UploadFile(context.Background(), ws, "report.pdf", cid); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("upload: %+v, %v; want invalid", src, err)
		}
	})
}
