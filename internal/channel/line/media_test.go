package line

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// A file LINE holds is downloaded from the content API, on the data
// host, with the channel's token; LINE's content type wins over the
// guess.
func TestFetchMedia(t *testing.T) {
	api := newLineAPI(t)
	api.files["354718705033693861"] = "\xff\xd8\xff jpeg bytes"
	got, err := api.provider().FetchMedia(context.Background(), api.channel(),
		conversation.MediaRef{Ref: "354718705033693861", Kind: "image", ContentType: "image/png"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "\xff\xd8\xff jpeg bytes" || got.ContentType != "image/jpeg" {
		t.Errorf("fetched %q %+v", body, got)
	}
	if calls := api.made(); len(calls) != 1 || calls[0].Path != "/v2/bot/message/354718705033693861/content" {
		t.Errorf("calls %+v", calls)
	}
	// Gone from LINE (its files are kept for a while): permanent.
	_, err = api.provider().FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: "999", Kind: "file"})
	if !outbound.IsPermanent(err) {
		t.Errorf("gone: %v", err)
	}
	// A 5xx is retried.
	api.queue("GET /v2/bot/message/354718705033693861/content", http.StatusInternalServerError, `{"message":"An error occurred in the server."}`)
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: "354718705033693861", Kind: "image"}); err == nil || outbound.IsPermanent(err) {
		t.Errorf("5xx: %v", err)
	}
}

// A video or audio is downloaded once LINE has prepared it: "processing"
// is tried again later, "failed" fails for good.
func TestFetchMediaWaitsForPreparation(t *testing.T) {
	api := newLineAPI(t)
	api.files["325708459841235201"] = "mp4 bytes"
	ref := conversation.MediaRef{Ref: "325708459841235201", Kind: "video", ContentType: "video/mp4"}
	api.queue("GET /v2/bot/message/325708459841235201/content/transcoding", http.StatusOK, `{"status":"processing"}`)
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), ref); err == nil || outbound.IsPermanent(err) {
		t.Errorf("processing: %v", err)
	}
	api.queue("GET /v2/bot/message/325708459841235201/content/transcoding", http.StatusOK, `{"status":"failed"}`)
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), ref); !outbound.IsPermanent(err) {
		t.Errorf("failed: %v", err)
	}
	got, err := api.provider().FetchMedia(context.Background(), api.channel(), ref)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "mp4 bytes" {
		t.Errorf("%q", body)
	}
	var paths []string
	for _, c := range api.made() {
		paths = append(paths, c.Path)
	}
	if strings.Join(paths, " ") != "/v2/bot/message/325708459841235201/content/transcoding /v2/bot/message/325708459841235201/content/transcoding "+
		"/v2/bot/message/325708459841235201/content/transcoding /v2/bot/message/325708459841235201/content" {
		t.Errorf("paths %v", paths)
	}
}

// A file an external provider holds is fetched from its URL, without
// the channel's token, which is LINE's alone.
func TestFetchMediaExternal(t *testing.T) {
	api := newLineAPI(t)
	var auth string
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		if r.URL.Path != "/photos/receipt.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		io.WriteString(w, "receipt")
	}))
	defer cdn.Close()
	got, err := api.provider().FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: cdn.URL + "/photos/receipt.jpg", Kind: "image"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "receipt" || auth != "" {
		t.Errorf("%q, Authorization %q", body, auth)
	}
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: cdn.URL + "/gone.jpg", Kind: "image"}); !outbound.IsPermanent(err) {
		t.Errorf("gone: %v", err)
	}
	if n := len(api.made()); n != 0 {
		t.Errorf("LINE was asked %d times", n)
	}
}
