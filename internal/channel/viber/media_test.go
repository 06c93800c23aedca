package viber

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// FetchMedia downloads the picture from the URL the callback gave,
// without the auth token, as the server typed it; a link Viber no longer
// serves (they last an hour) fails for good.
func TestFetchMedia(t *testing.T) {
	api := newFakeViber(t)
	api.media["5688fdff.jpg"] = "\xff\xd8\xff jpeg bytes"
	cb, err := Parse(callback(t, "message_picture"))
	if err != nil {
		t.Fatal(err)
	}
	ref := inbound(testChannel, cb)[0].Media[0]
	ref.Ref = api.srv.URL + "/media/5688fdff.jpg" // the picture, served by the test
	got, err := api.provider().FetchMedia(context.Background(), api.channel(), ref)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "\xff\xd8\xff jpeg bytes" || got.ContentType != "image/jpeg" {
		t.Errorf("fetched %q %+v", body, got)
	}
	if n := len(api.made()); n != 0 {
		t.Errorf("%d API calls for a download", n)
	}

	expired := conversation.MediaRef{Ref: api.srv.URL + "/media/gone.jpg", Kind: "image"}
	_, err = api.provider().FetchMedia(context.Background(), api.channel(), expired)
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), "HTTP 403") {
		t.Errorf("expired link: %v", err)
	}
	for _, bad := range []string{"", "file:///etc/passwd", "/media/x.jpg"} {
		if _, err := api.provider().FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: bad}); !outbound.IsPermanent(err) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// The node's guard vets the media host like any other.
	_, err = New(nil).FetchMedia(context.Background(), api.channel(), conversation.MediaRef{Ref: api.srv.URL + "/media/5688fdff.jpg"})
	if !outbound.IsPermanent(err) || !strings.Contains(outbound.Reason(err), netguard.AllowFlag) {
		t.Errorf("guarded: %v", err)
	}
	// A server down is retried.
	api.srv.Close()
	if _, err := api.provider().FetchMedia(context.Background(), api.channel(), ref); err == nil || outbound.IsPermanent(err) {
		t.Errorf("server down: %v", err)
	}
}
