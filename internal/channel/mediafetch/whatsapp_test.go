package mediafetch

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/whatsapp"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// The whole path with a real provider: WhatsApp's signed webhook for an
// image is stored with the image pending, then the fetcher asks the Graph
// API (faked) for the media URL and downloads it with the channel's token
// into the media store, and the message names the stored file.
func TestWhatsAppImageEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 100)...)
		var graph *httptest.Server
		graph = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer EAAG-token" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			switch r.URL.Path {
			case "/v21.0/1003383421387256":
				json.NewEncoder(w).Encode(map[string]any{"url": graph.URL + "/download/1003383421387256", "mime_type": "image/jpeg",
					"file_size": len(jpeg), "id": "1003383421387256", "messaging_product": "whatsapp"})
			case "/download/1003383421387256":
				w.Header().Set("Content-Type", "image/jpeg")
				w.Write(jpeg)
			default:
				http.NotFound(w, r)
			}
		}))
		defer graph.Close()
		loopback := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
		reg, err := channel.NewRegistry(whatsapp.New(loopback))
		if err != nil {
			t.Fatal(err)
		}
		chs := channel.NewWithOptions(d, channel.Options{Registry: reg})
		convs := conversation.New(d)
		routes, err := reg.Routes(channel.Inbox{Channels: chs, Receiver: convs})
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		for _, rt := range routes {
			mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
		}
		node := httptest.NewServer(mux)
		defer node.Close()
		ws, err := workspace.New(d).Create(ctx, "Acme", "UTC")
		if err != nil {
			t.Fatal(err)
		}
		cfg, _ := json.Marshal(map[string]string{"phone_number_id": "106540352242922", "business_account_id": "102290129340398",
			"access_token": "EAAG-token", "app_secret": "app-secret", "api_base_url": graph.URL})
		ch, err := chs.Create(ctx, ws.ID, channel.Input{Type: "whatsapp", Name: "WhatsApp", Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile("../whatsapp/testdata/image.json")
		if err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, []byte("app-secret"))
		mac.Write(body)
		req, _ := http.NewRequest(http.MethodPost, node.URL+"/webhooks/whatsapp/"+itoa(ch.ID), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d %s", resp.StatusCode, answer)
		}
		store, err := media.New(d, media.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		f := &fixture{d: d, ws: ws, ch: ch, chs: chs, convs: convs, store: store}
		var id int64
		if err := d.Reader().QueryRow(ctx, `SELECT id FROM messages WHERE provider_message_id = 'wamid.image1'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if a := f.attachments(t, id).Attachments; len(a) != 1 || a[0].Status != conversation.AttachmentPending {
			t.Fatalf("stored with %+v, want the image pending", a)
		}
		f.run(t, 1)
		f.waitDone(t)
		a := f.attachments(t, id).Attachments[0]
		if a.Status != conversation.AttachmentStored || a.ContentType != "image/jpeg" || a.Size != int64(len(jpeg)) || a.Type != "image" {
			t.Fatalf("after the fetch: %+v", a)
		}
		_, file, err := store.Open(ctx, ws.ID, a.MediaID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(file)
		file.Close()
		if !bytes.Equal(got, jpeg) {
			t.Error("the stored bytes are not the provider's")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
