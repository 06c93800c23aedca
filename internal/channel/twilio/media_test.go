package twilio

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// cdn is a server standing for Twilio's media CDN: it records the
// Authorization header it was sent.
type cdn struct {
	*httptest.Server
	mu   sync.Mutex
	auth []string
}

func newCDN(t *testing.T) *cdn {
	c := &cdn{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.auth = append(c.auth, r.Header.Get("Authorization"))
		c.mu.Unlock()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Disposition", `inline; filename="cat.jpg"`)
		io.WriteString(w, "JPEGBYTES")
	}))
	t.Cleanup(c.Close)
	return c
}

// mediaAPI stands for api.twilio.com: the media URL answers a redirect to
// target, recording the credentials it was sent.
func mediaAPI(t *testing.T, target string, status int) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		if status != 0 {
			w.WriteHeader(status)
			return
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv, &auth
}

const mediaPath = "/2010-04-01/Accounts/" + testAccount + "/Messages/MM1a2b3c4d5e6f708192a3b4c5d6e7f809/Media/ME0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// What Go's client does on its own, which FetchMedia relies on and then
// tightens: it drops Authorization on a redirect to another host name,
// but keeps it on one to the same name at another port.
func TestGoClientAuthorizationOnRedirect(t *testing.T) {
	for _, tt := range []struct {
		name string
		host string
		kept bool
	}{{"another host name", "localhost", false}, {"same name, another port", "127.0.0.1", true}} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCDN(t)
			target := strings.Replace(c.URL, "127.0.0.1", tt.host, 1) + "/cdn/cat.jpg"
			api, _ := mediaAPI(t, target, 0)
			req, _ := http.NewRequest(http.MethodGet, api.URL+mediaPath, nil)
			req.SetBasicAuth(testAccount, testToken)
			resp, err := channeltest.LoopbackClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if kept := c.auth[0] != ""; kept != tt.kept {
				t.Errorf("Authorization kept = %v, want %v", kept, tt.kept)
			}
		})
	}
}

// FetchMedia sends the account's credentials to Twilio's media URL and
// follows the redirect to the CDN without them, whatever the CDN's host.
func TestFetchMediaFollowsRedirectWithoutCredentials(t *testing.T) {
	for _, host := range []string{"localhost", "127.0.0.1"} {
		t.Run(host, func(t *testing.T) {
			c := newCDN(t)
			api, apiAuth := mediaAPI(t, strings.Replace(c.URL, "127.0.0.1", host, 1)+"/cdn/cat.jpg", 0)
			p := New(channeltest.LoopbackClient(), "")
			got, err := p.FetchMedia(context.Background(), testChannel(api.URL), conversation.MediaRef{Ref: api.URL + mediaPath, Kind: "image", ContentType: "image/jpeg"})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(got.Body)
			got.Body.Close()
			if string(body) != "JPEGBYTES" || got.ContentType != "image/jpeg" || got.FileName != "cat.jpg" {
				t.Errorf("fetched %q %q %q", body, got.ContentType, got.FileName)
			}
			user, pass, ok := (&http.Request{Header: http.Header{"Authorization": {(*apiAuth)[0]}}}).BasicAuth()
			if !ok || user != testAccount || pass != testToken {
				t.Errorf("Twilio's media URL got %q", (*apiAuth)[0])
			}
			if c.auth[0] != "" {
				t.Errorf("the CDN got the credentials: %q", c.auth[0])
			}
		})
	}
}

// A media URL that is not Twilio's gets no credentials; what Twilio no
// longer serves fails for good; its server errors are retried.
func TestFetchMediaOutcomes(t *testing.T) {
	c := newCDN(t)
	api := newTwilioAPI(t, 200, nil)
	p := New(channeltest.LoopbackClient(), "")
	got, err := p.FetchMedia(context.Background(), testChannel(api.URL), conversation.MediaRef{Ref: strings.Replace(c.URL, "127.0.0.1", "localhost", 1) + "/x.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if c.auth[0] != "" {
		t.Errorf("a foreign host got the credentials: %q", c.auth[0])
	}
	for _, tt := range []struct {
		status    int
		permanent bool
	}{{http.StatusNotFound, true}, {http.StatusForbidden, true}, {http.StatusServiceUnavailable, false}, {http.StatusTooManyRequests, false}} {
		api, _ := mediaAPI(t, "", tt.status)
		_, err := p.FetchMedia(context.Background(), testChannel(api.URL), conversation.MediaRef{Ref: api.URL + mediaPath})
		if err == nil || outbound.IsPermanent(err) != tt.permanent {
			t.Errorf("HTTP %d: %v, want permanent %v", tt.status, err, tt.permanent)
		}
	}
	if _, err := p.FetchMedia(context.Background(), testChannel(api.URL), conversation.MediaRef{Ref: "ftp://x/y"}); !outbound.IsPermanent(err) {
		t.Errorf("ftp ref: %v", err)
	}
}
