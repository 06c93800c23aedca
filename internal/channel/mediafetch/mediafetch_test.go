package mediafetch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/media"
	"github.com/switchboard-chat/switchboard/internal/outbound"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// png is the smallest PNG header the sniffer recognises.
var png = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)

// fakeProvider holds its media behind an HTTP API, as WhatsApp or Telegram
// do: FetchMedia asks its server, with the channel's token.
type fakeProvider struct {
	base string
	caps channel.Capabilities
}

var _ channel.MediaFetcher = (*fakeProvider)(nil)

func (p *fakeProvider) Type() string           { return "fake" }
func (p *fakeProvider) Schema() channel.Schema { return channel.Schema{} }
func (p *fakeProvider) Validate(c json.RawMessage, _ channel.Check) (json.RawMessage, error) {
	return c, nil
}
func (p *fakeProvider) Capabilities() channel.Capabilities     { return p.caps }
func (p *fakeProvider) MapStatus(string) (string, bool)        { return "", false }
func (p *fakeProvider) Webhooks(channel.Inbox) []channel.Route { return nil }
func (p *fakeProvider) Send(context.Context, channel.Channel, string, conversation.Message) (string, error) {
	return "", nil
}

func (p *fakeProvider) FetchMedia(ctx context.Context, ch channel.Channel, ref conversation.MediaRef) (channel.FetchedMedia, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/"+ref.Ref, nil)
	req.Header.Set("Authorization", "Bearer channel-"+fmt.Sprint(ch.ID))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return channel.FetchedMedia{}, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		resp.Body.Close()
		return channel.FetchedMedia{}, outbound.Permanent("the media expired")
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return channel.FetchedMedia{}, fmt.Errorf("fake: %s", resp.Status)
	}
	return channel.FetchedMedia{Body: resp.Body, ContentType: resp.Header.Get("Content-Type"), FileName: ref.Ref}, nil
}

type fixture struct {
	d      *db.DB
	ws     workspace.Workspace
	ch     channel.Channel
	chs    *channel.Service
	convs  *conversation.Service
	store  *media.Store
	hits   sync.Map // path -> *atomic.Int64
	flaky  atomic.Int64
	server *httptest.Server
}

func newFixture(t *testing.T, d *db.DB, caps channel.Capabilities) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, convs: conversation.New(d)}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := f.hits.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		if r.Header.Get("Authorization") != "Bearer channel-"+fmt.Sprint(f.ch.ID) {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/photo.png", "/big.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/flaky.png":
			if f.flaky.Add(1) == 1 {
				http.Error(w, "try later", http.StatusBadGateway)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/page.html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><script>alert(1)</script></html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.server.Close)
	reg, err := channel.NewRegistry(&fakeProvider{base: f.server.URL, caps: caps})
	if err != nil {
		t.Fatal(err)
	}
	f.chs = channel.NewWithOptions(d, channel.Options{Registry: reg})
	if f.ws, err = workspace.New(d).Create(ctx, "Acme", "UTC"); err != nil {
		t.Fatal(err)
	}
	if f.ch, err = f.chs.Create(ctx, f.ws.ID, channel.Input{Type: "fake", Name: "Fake"}); err != nil {
		t.Fatal(err)
	}
	if f.store, err = media.New(d, media.Options{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) hitsOf(path string) int64 {
	n, ok := f.hits.Load(path)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

// run starts n fetchers (as n nodes would) until the test ends.
func (f *fixture) run(t *testing.T, n int) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range n {
		fe := New(f.d, f.chs, f.store, Options{BaseDelay: 20 * time.Millisecond, Node: int64(100 + i)})
		wg.Add(1)
		go func() { defer wg.Done(); fe.Run(ctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// waitDone waits until no fetch is pending.
func (f *fixture) waitDone(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for dbtest.Count(t, f.d, `SELECT COUNT(*) FROM media_fetches WHERE state = 'pending'`) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("fetches still pending")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *fixture) receive(t *testing.T, id string, refs ...conversation.MediaRef) int64 {
	t.Helper()
	r, err := f.convs.Receive(context.Background(), []conversation.Inbound{{Kind: conversation.KindMessage, WorkspaceID: f.ws.ID,
		ChannelID: f.ch.ID, ExternalID: "+1555", ProviderMessageID: id, Type: "attachment", Media: refs,
		Content: json.RawMessage(`{"provider":"fake"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	return r[0].MessageID
}

func (f *fixture) attachments(t *testing.T, messageID int64) (out struct {
	Attachments []conversation.InboundAttachment `json:"attachments"`
	Attachment  *conversation.InboundAttachment  `json:"attachment"`
	Provider    string                           `json:"provider"`
}) {
	t.Helper()
	var content string
	if err := f.d.Reader().QueryRow(context.Background(), `SELECT content FROM messages WHERE id = ?`, messageID).Scan(&content); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(content), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A message with provider-held attachments is stored at once with them
// pending; the fetcher then stores each into the media store (a passing
// failure retried, an expired one failed with the provider's reason, a
// file the store refuses failed with why), each fetched once although two
// nodes run.
func TestFetchesProviderMediaIntoTheStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channel.Capabilities{})
		id := f.receive(t, "m1",
			conversation.MediaRef{Ref: "photo.png", Kind: "image", Caption: "my cat"},
			conversation.MediaRef{Ref: "expired.jpg", Kind: "image"},
			conversation.MediaRef{Ref: "flaky.png", Kind: "image"},
			conversation.MediaRef{Ref: "page.html", Kind: "file"})
		before := f.attachments(t, id)
		if len(before.Attachments) != 4 || before.Attachments[0].Status != conversation.AttachmentPending || before.Provider != "fake" {
			t.Fatalf("stored content: %+v", before)
		}
		f.run(t, 2)
		f.waitDone(t)
		got := f.attachments(t, id)
		a := got.Attachments
		if a[0].Status != conversation.AttachmentStored || a[0].MediaID == "" || a[0].ContentType != "image/png" || a[0].Caption != "my cat" {
			t.Errorf("photo: %+v", a[0])
		}
		if a[1].Status != conversation.AttachmentFailed || a[1].Reason != "the media expired" {
			t.Errorf("expired: %+v", a[1])
		}
		if a[2].Status != conversation.AttachmentStored {
			t.Errorf("flaky: %+v", a[2])
		}
		if a[3].Status != conversation.AttachmentFailed || a[3].Reason == "" {
			t.Errorf("html: %+v", a[3])
		}
		if got.Attachment == nil || got.Attachment.MediaID != a[0].MediaID {
			t.Errorf("content.attachment = %+v, want the first stored", got.Attachment)
		}
		if _, rc, err := f.store.Open(context.Background(), f.ws.ID, a[0].MediaID); err != nil {
			t.Errorf("stored media: %v", err)
		} else {
			rc.Close()
		}
		if n := f.hitsOf("/photo.png"); n != 1 {
			t.Errorf("photo fetched %d times, want once", n)
		}
		if n := f.hitsOf("/flaky.png"); n != 2 {
			t.Errorf("flaky fetched %d times, want twice", n)
		}
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM events WHERE type = 'message.attachment'`); n != 4 {
			t.Errorf("message.attachment events = %d, want 4", n)
		}
		// A redelivered webhook queues nothing again.
		f.receive(t, "m1", conversation.MediaRef{Ref: "photo.png", Kind: "image"})
		if n := dbtest.Count(t, d, `SELECT COUNT(*) FROM media_fetches`); n != 4 {
			t.Errorf("fetches = %d after a redelivery, want 4", n)
		}
	})
}

// A channel's own limits: a file over its size, or of a kind it does not
// keep, fails with the reason.
func TestChannelMediaLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channel.Capabilities{MaxMediaBytes: 10})
		id := f.receive(t, "m1", conversation.MediaRef{Ref: "big.png", Kind: "image"})
		f.run(t, 1)
		f.waitDone(t)
		if a := f.attachments(t, id).Attachments[0]; a.Status != conversation.AttachmentFailed || a.Reason != "a file may be at most 10 bytes" {
			t.Errorf("too large: %+v", a)
		}
	})
}

// A fetch claimed by a node that died is taken again once its lease ends:
// a restart resumes what was pending.
func TestResumesAfterACrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, channel.Capabilities{})
		id := f.receive(t, "m1", conversation.MediaRef{Ref: "photo.png", Kind: "image"})
		// A node claimed it and died: its lease is in the past.
		err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE media_fetches SET lease_until = ?, lease_node = 7`, db.Millis(time.Now().Add(-time.Second)))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.run(t, 1)
		f.waitDone(t)
		if a := f.attachments(t, id).Attachments[0]; a.Status != conversation.AttachmentStored {
			t.Errorf("after a crash: %+v", a)
		}
	})
}
