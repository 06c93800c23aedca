package knowledge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

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
