package whatsapp

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

// FetchMedia asks the Graph API for the media's URL, then downloads it,
// both with the access token.
func TestFetchMedia(t *testing.T) {
	var srv *httptest.Server
	var auths []string
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.URL.Path+" "+r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/v21.0/1003383421387256":
			io.WriteString(w, `{"messaging_product":"whatsapp","url":"`+srv.URL+`/whatsapp_business/attachments/?mid=1003383421387256&ext=1","mime_type":"image/jpeg","sha256":"3Vvn","file_size":"303833","id":"1003383421387256"}`)
		case "/v21.0/big":
			io.WriteString(w, `{"url":"`+srv.URL+`/x","mime_type":"image/jpeg","file_size":6000000,"id":"big"}`)
		case "/v21.0/expired":
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"x"}}`)
		case "/whatsapp_business/attachments/":
			if r.Header.Get("Authorization") != "Bearer EAAG-token" {
				w.WriteHeader(401)
				return
			}
			w.Header().Set("Content-Type", "image/jpeg")
			io.WriteString(w, "JPEGBYTES")
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	p := testProvider()
	ch := waChannel(srv.URL)
	got, err := p.FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: "1003383421387256", Kind: "image"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "JPEGBYTES" || got.ContentType != "image/jpeg" {
		t.Errorf("%q %q", body, got.ContentType)
	}
	if len(auths) != 2 || !strings.HasSuffix(auths[0], "Bearer EAAG-token") || !strings.HasSuffix(auths[1], "Bearer EAAG-token") {
		t.Errorf("calls %v", auths)
	}
	for _, ref := range []conversation.MediaRef{{Ref: "big", Kind: "image"}, {Ref: "expired", Kind: "image"}, {Ref: "../etc", Kind: "file"}} {
		if _, err := p.FetchMedia(context.Background(), ch, ref); !outbound.IsPermanent(err) {
			t.Errorf("%s: %v", ref.Ref, err)
		}
	}
}

// Probe asks for the phone number's display number and verified name.
func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/"+testPhoneNumberID || r.Header.Get("Authorization") != "Bearer EAAG-token" {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}`)
			return
		}
		io.WriteString(w, `{"verified_name":"Jasper's Market","display_phone_number":"+1 555-078-3881","id":"`+testPhoneNumberID+`"}`)
	}))
	defer srv.Close()
	res := testProvider().Probe(context.Background(), waChannel(srv.URL))
	if !res.OK || res.Status != 200 || !strings.Contains(res.Body, "Jasper's Market") || !strings.HasPrefix(res.URL, srv.URL+"/v21.0/"+testPhoneNumberID) {
		t.Errorf("%+v", res)
	}
	ch := waChannel(srv.URL)
	ch.SecretConfig["access_token"] = "wrong"
	if res := testProvider().Probe(context.Background(), ch); res.OK || res.Status != 401 || !strings.Contains(res.Body, "Invalid OAuth") {
		t.Errorf("%+v", res)
	}
	if res := New(nil).Probe(context.Background(), waChannel(srv.URL)); res.OK || res.Error == "" {
		t.Errorf("guarded: %+v", res)
	}
}

// SyncTemplates reads every page, each template's body and its number of
// parameters.
func TestSyncTemplates(t *testing.T) {
	var srv *httptest.Server
	pages := 0
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/102290129340398/message_templates" || r.Header.Get("Authorization") != "Bearer EAAG-token" {
			w.WriteHeader(404)
			return
		}
		pages++
		if r.URL.Query().Get("after") == "" {
			io.WriteString(w, `{"data":[
				{"name":"hello_world","components":[{"type":"HEADER","format":"TEXT","text":"Hello World"},{"type":"BODY","text":"Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta."},{"type":"FOOTER","text":"WhatsApp Business Platform sample message"}],"language":"en_US","status":"APPROVED","category":"UTILITY","id":"1192339204654487"},
				{"name":"order_update","components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} has shipped. Thank you {{1}}!","example":{"body_text":[["Ada","#1042"]]}}],"language":"en_US","status":"APPROVED","category":"UTILITY","id":"2"}],
				"paging":{"cursors":{"before":"QVFIU","after":"QVFIUk"},"next":"`+srv.URL+`/v21.0/102290129340398/message_templates?limit=100&after=QVFIUk"}}`)
			return
		}
		io.WriteString(w, `{"data":[{"name":"order_update","components":[{"type":"BODY","text":"Bonjour {{1}}, votre commande {{2}} est partie."}],"language":"fr","status":"PENDING","category":"UTILITY","id":"3"}],"paging":{"cursors":{"before":"a","after":"b"}}}`)
	}))
	defer srv.Close()
	list, err := testProvider().SyncTemplates(context.Background(), waChannel(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if pages != 2 || len(list) != 3 {
		t.Fatalf("%d pages, %+v", pages, list)
	}
	if l := list[0]; l.Name != "hello_world" || l.Params != 0 || !strings.HasPrefix(l.Body, "Welcome") || l.Status != "APPROVED" || l.Category != "UTILITY" || len(l.Components) == 0 {
		t.Errorf("%+v", l)
	}
	if l := list[1]; l.Name != "order_update" || l.Params != 2 || l.Language != "en_US" {
		t.Errorf("%+v", l)
	}
	if l := list[2]; l.Language != "fr" || l.Status != "PENDING" || l.Params != 2 {
		t.Errorf("%+v", l)
	}
}

// paging.next on another host is not followed with the token.
func TestSyncTemplatesStaysOnHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"data":[],"paging":{"next":"https://evil.example/steal"}}`)
	}))
	defer srv.Close()
	if _, err := testProvider().SyncTemplates(context.Background(), waChannel(srv.URL)); err == nil {
		t.Error("followed another host")
	}
}

// Connect subscribes the app to the account and points the number's
// webhooks at the channel with its verify token; Meta's refusal is the
// error shown.
func TestConnect(t *testing.T) {
	var calls []string
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(raw))
		if fail {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`)
			return
		}
		io.WriteString(w, `{"success":true}`)
	}))
	defer srv.Close()
	ch := waChannel(srv.URL)
	if err := testProvider().Connect(context.Background(), ch, "https://sb.example/webhooks/whatsapp/9"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST /v21.0/102290129340398/subscribed_apps Bearer EAAG-token ",
		`POST /v21.0/` + testPhoneNumberID + ` Bearer EAAG-token {"webhook_configuration":{"override_callback_uri":"https://sb.example/webhooks/whatsapp/9","verify_token":"generated"}}`,
	}
	if strings.Join(calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls\n%s\nwant\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
	}
	if err := testProvider().Connect(context.Background(), ch, "http://localhost:8080/webhooks/whatsapp/9"); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("an http URL: %v", err)
	}
	fail = true
	if err := testProvider().Connect(context.Background(), ch, "https://sb.example/webhooks/whatsapp/9"); err == nil || !strings.Contains(err.Error(), "Invalid parameter") {
		t.Errorf("refused: %v", err)
	}
}
