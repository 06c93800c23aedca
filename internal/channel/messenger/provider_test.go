package messenger

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

func TestWindowAndCapabilities(t *testing.T) {
	for _, p := range []platform{messengerPlatform, instagramPlatform} {
		pr := newProvider(p, nil)
		if w := pr.Window(testChannel(p, false)); w != (channel.Window{Seconds: 86400, Rule: "none"}) {
			t.Errorf("%s without Human Agent: %+v", p.typ, w)
		}
		if w := pr.Window(testChannel(p, true)); w != (channel.Window{Seconds: 86400, ExtendedSeconds: 7 * 86400, Tag: "HUMAN_AGENT", Rule: "none"}) {
			t.Errorf("%s with Human Agent: %+v", p.typ, w)
		}
		c := pr.Capabilities()
		if !c.QuickReplies || c.Buttons != 13 || c.ListItems != 0 || c.ReplyWindowSeconds != 86400 || c.ReplyWindowRule != "none" || c.Templates {
			t.Errorf("%s capabilities %+v", p.typ, c)
		}
	}
	if m, i := NewMessenger(nil).Capabilities(), NewInstagram(nil).Capabilities(); m.MaxTextLength != 2000 || i.MaxTextLength != 1000 ||
		!reflect.DeepEqual(m.Attachments, []string{"image", "video", "audio", "file"}) || !reflect.DeepEqual(i.Attachments, []string{"image", "video", "audio"}) {
		t.Errorf("messenger %+v instagram %+v", m, i)
	}
	for _, s := range []string{"delivered", "read", "sent", "failed"} {
		if got, ok := NewMessenger(nil).MapStatus(s); !ok || got != s {
			t.Errorf("MapStatus(%q) = %q %v", s, got, ok)
		}
	}
	if _, ok := NewMessenger(nil).MapStatus("seen"); ok {
		t.Error("an unknown status maps")
	}
	if got := NewInstagram(nil).Schema().Secrets(); !reflect.DeepEqual(got, []string{"access_token", "app_secret", "verify_token"}) {
		t.Errorf("secrets %v", got)
	}
}

func TestValidate(t *testing.T) {
	guard := netguard.New(netguard.Options{})
	full := `"access_token":"EAAtoken","app_secret":"s3cret","verify_token":"v"`
	for _, tc := range []struct {
		name, typ, config string
		guard             *netguard.Guard
		field             string // "" when valid
		want              string // the normalised config, when valid
	}{
		{"messenger with defaults", TypeMessenger, `{"page_id":" 106100000000001 ",` + full + `}`, guard, "",
			`{"page_id":"106100000000001","graph_url":"https://graph.facebook.com","graph_version":"v24.0","human_agent":false,` + full + `}`},
		{"instagram with a proxy and Human Agent", TypeInstagram, `{"account_id":"17841400000000001","graph_url":"https://graph.example.com/","graph_version":"v23.0","human_agent":true,` + full + `}`, guard, "",
			`{"account_id":"17841400000000001","graph_url":"https://graph.example.com","graph_version":"v23.0","human_agent":true,` + full + `}`},
		{"no page id", TypeMessenger, `{` + full + `}`, nil, "config.page_id", ""},
		{"a page id that is not a number", TypeMessenger, `{"page_id":"my-page",` + full + `}`, nil, "config.page_id", ""},
		{"instagram given a page id", TypeInstagram, `{"page_id":"1",` + full + `}`, nil, "config.page_id", ""},
		{"messenger given an account id", TypeMessenger, `{"page_id":"1","account_id":"2",` + full + `}`, nil, "config.account_id", ""},
		{"no token", TypeMessenger, `{"page_id":"1","app_secret":"s","verify_token":"v"}`, nil, "config.access_token", ""},
		{"no app secret", TypeMessenger, `{"page_id":"1","access_token":"t","verify_token":"v"}`, nil, "config.app_secret", ""},
		{"no verify token", TypeMessenger, `{"page_id":"1","access_token":"t","app_secret":"s"}`, nil, "config.verify_token", ""},
		{"read receipts never", TypeMessenger, `{"page_id":"1","read_receipts":"never",` + full + `}`, nil, "",
			`{"page_id":"1","graph_url":"https://graph.facebook.com","graph_version":"v24.0","human_agent":false,"read_receipts":"never",` + full + `}`},
		{"read receipts of no such kind", TypeMessenger, `{"page_id":"1","read_receipts":"always",` + full + `}`, nil, "config.read_receipts", ""},
		{"a bad version", TypeMessenger, `{"page_id":"1","graph_version":"24",` + full + `}`, nil, "config.graph_version", ""},
		{"a URL that is not http", TypeMessenger, `{"page_id":"1","graph_url":"ftp://graph.facebook.com",` + full + `}`, nil, "config.graph_url", ""},
		{"a private address", TypeMessenger, `{"page_id":"1","graph_url":"http://127.0.0.1:8080",` + full + `}`, guard, "config.graph_url", ""},
		{"a private address, re-validated unchanged", TypeMessenger, `{"page_id":"1","graph_url":"http://127.0.0.1:8080",` + full + `}`, nil, "",
			`{"page_id":"1","graph_url":"http://127.0.0.1:8080","graph_version":"v24.0","human_agent":false,` + full + `}`},
		{"an unknown member", TypeMessenger, `{"page_id":"1","pageid":"1",` + full + `}`, nil, "config", ""},
		{"not an object", TypeMessenger, `[]`, nil, "config", ""},
	} {
		var pr channel.Provider = NewMessenger(nil)
		if tc.typ == TypeInstagram {
			pr = NewInstagram(nil)
		}
		got, err := pr.Validate(json.RawMessage(tc.config), channel.Check{Guard: tc.guard})
		if tc.field == "" {
			if err != nil || string(got) != tc.want {
				t.Errorf("%s: %s, %v", tc.name, got, err)
			}
			continue
		}
		if apperr.KindOf(err) != apperr.KindInvalid || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.field)
		}
	}
}

func TestProbe(t *testing.T) {
	var auth, path, query string
	status, body := 200, `{"id":"106100000000001","name":"Acme Support"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, path, query = r.Header.Get("Authorization"), r.URL.Path, r.URL.RawQuery
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	g := &graphServer{Server: srv}
	ch := channelAt(messengerPlatform, g, false)
	res := NewMessenger(srv.Client()).Probe(context.Background(), ch)
	if !res.OK || res.Status != 200 || res.Body != body || res.URL != srv.URL+"/v24.0/me?fields=id,name" ||
		auth != "Bearer EAAtoken" || path != "/v24.0/me" || query != "fields=id,name" {
		t.Errorf("probe %+v (auth %q path %q query %q)", res, auth, path, query)
	}
	status, body = 400, `{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"x"}}`
	if res := NewMessenger(srv.Client()).Probe(context.Background(), ch); res.OK || res.Status != 400 || !strings.Contains(res.Body, "Invalid OAuth") {
		t.Errorf("probe with a bad token %+v", res)
	}
	if res := NewMessenger(nil).Probe(context.Background(), ch); res.OK || !strings.Contains(res.Error, "address not allowed") {
		t.Errorf("guarded probe %+v", res)
	}
	ch.SecretConfig = nil
	if res := NewMessenger(nil).Probe(context.Background(), ch); res.Error == "" {
		t.Errorf("probe without a token %+v", res)
	}
}

func TestFetchMedia(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Error("credentials sent to the CDN")
		}
		switch r.URL.Path {
		case "/v/photo.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			io.WriteString(w, "JPEGBYTES")
		case "/v/gone.jpg":
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "URL signature expired")
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	pr := NewInstagram(srv.Client())
	ch := testChannel(instagramPlatform, false)
	m, err := pr.FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: srv.URL + "/v/photo.jpg?oh=1&oe=2", Kind: "image"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(m.Body)
	m.Body.Close()
	if string(b) != "JPEGBYTES" || m.ContentType != "image/jpeg" || m.FileName != "photo.jpg" {
		t.Errorf("fetched %q %+v", b, m)
	}
	if _, err := pr.FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: srv.URL + "/v/gone.jpg"}); !outbound.IsPermanent(err) {
		t.Errorf("expired URL: %v", err)
	}
	if _, err := pr.FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: srv.URL + "/v/busy"}); err == nil || outbound.IsPermanent(err) {
		t.Errorf("a 503 must be retried: %v", err)
	}
	if _, err := pr.FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: "media-id-123"}); !outbound.IsPermanent(err) {
		t.Errorf("not a URL: %v", err)
	}
	if _, err := NewInstagram(nil).FetchMedia(context.Background(), ch, conversation.MediaRef{Ref: srv.URL + "/v/photo.jpg"}); !outbound.IsPermanent(err) {
		t.Errorf("guarded fetch: %v", err)
	}
}

// Saving a Messenger channel subscribes its Page to the app, to every
// field the webhook reads (message_edits too: the call sets the Page's
// fields, so one left out would stop arriving); Meta's refusal is said in
// its words.
func TestConnect(t *testing.T) {
	var path, query, auth string
	status, body := 200, `{"success":true}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, query, auth = r.Method+" "+r.URL.Path, r.URL.Query().Get("subscribed_fields"), r.Header.Get("Authorization")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	ch := channelAt(messengerPlatform, &graphServer{Server: srv}, false)
	if err := NewMessenger(srv.Client()).Connect(context.Background(), ch, "https://sb.example.com/webhooks/messenger/7"); err != nil {
		t.Fatal(err)
	}
	if path != "POST /v24.0/"+fxPage+"/subscribed_apps" || auth != "Bearer EAAtoken" ||
		query != "messages,messaging_postbacks,message_echoes,message_deliveries,message_reads,message_reactions,message_edits" {
		t.Errorf("%s ?%s %q", path, query, auth)
	}
	status, body = 403, `{"error":{"message":"(#200) To subscribe to the messages field, one of these permissions is needed: pages_messaging","type":"OAuthException","code":200,"fbtrace_id":"x"}}`
	err := NewMessenger(srv.Client()).Connect(context.Background(), ch, "")
	if err == nil || err.Error() != "subscribing the Page to the app: (#200) To subscribe to the messages field, one of these permissions is needed: pages_messaging (code 200)" {
		t.Errorf("err = %v", err)
	}
	if _, ok := channel.Provider(NewInstagram(nil)).(channel.Connector); ok {
		t.Error("Instagram has a Connect")
	}
}
