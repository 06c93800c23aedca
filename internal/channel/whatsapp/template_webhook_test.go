package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

const testBusinessAccountID = "102290129340398"

// templateGraph is the Graph API's template list of the test's business
// account, as it stands (list), counting its reads; fail makes it answer
// Meta's error instead.
type templateGraph struct {
	*httptest.Server
	list  atomic.Value // string: the page's data array
	reads atomic.Int32
	fail  atomic.Bool
}

func newTemplateGraph(t *testing.T, list string) *templateGraph {
	g := &templateGraph{}
	g.list.Store(list)
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v21.0/"+testBusinessAccountID+"/message_templates" || r.Header.Get("Authorization") != "Bearer EAAG-token" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		g.reads.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if g.fail.Load() {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"A1b2"}}`)
			return
		}
		io.WriteString(w, `{"data":`+g.list.Load().(string)+`,"paging":{"cursors":{"before":"a","after":"b"}}}`)
	}))
	t.Cleanup(g.Close)
	return g
}

// tpl is one template of the Graph API's list.
func tpl(name, lang, status string) string {
	return tplBody(name, lang, status, "Hi {{1}}, your order is on its way.")
}

func tplBody(name, lang, status, body string) string {
	return fmt.Sprintf(`{"name":%q,"language":%q,"status":%q,"category":"UTILITY","id":"1","components":[{"type":"BODY","text":%q}]}`, name, lang, status, body)
}

// templateChange is Meta's message_template_status_update delivery for
// the account waba, at Unix second at.
func templateChange(waba string, at int64, event, name, lang, reason string) []byte {
	return fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":%q,"time":%d,"changes":[{"value":{"event":%q,"message_template_id":594425479261596,"message_template_name":%q,"message_template_language":%q,"reason":%q},"field":"message_template_status_update"}]}]}`,
		waba, at, event, name, lang, reason)
}

// newTemplateHook is a hook whose channel reads its templates from g.
func newTemplateHook(t *testing.T, d *db.DB, g *templateGraph) *hook {
	t.Helper()
	ctx := context.Background()
	ws := channeltest.Workspace(t, d)
	h := &hook{d: d, ws: ws, channels: channeltest.Service(t, d, testProvider()), convs: conversation.New(d)}
	raw, _ := json.Marshal(map[string]any{"phone_number_id": testPhoneNumberID, "business_account_id": testBusinessAccountID,
		"access_token": "EAAG-token", "app_secret": testAppSecret, "api_base_url": g.URL})
	var err error
	if h.ch, err = h.channels.Create(ctx, ws.ID, channel.Input{Type: Type, Name: "WhatsApp", Config: raw}); err != nil {
		t.Fatal(err)
	}
	h.srv = channeltest.Serve(t, channel.Inbox{Channels: h.channels, Receiver: h.convs, Metrics: metrics.New()})
	return h
}

// statuses is the channel's stored templates as "name/language STATUS
// parameters".
func (h *hook) statuses(t *testing.T) []string {
	t.Helper()
	list, err := h.channels.Templates(context.Background(), h.ws.ID, h.ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range list {
		out = append(out, fmt.Sprintf("%s/%s %s %d", l.Name, l.Language, l.Status, l.Params))
	}
	return out
}

// A template's status change reported by Meta that forbids sending it
// updates the stored list in place, in the order the changes happened; an
// approval, a template the list does not hold, or an event that is not a
// status has the list read again; a deletion removes it.
func TestTemplateStatusWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newTemplateGraph(t, `[`+tpl("order_update", "en_US", "APPROVED")+`,`+tpl("promo", "en_US", "PENDING")+`]`)
		h := newTemplateHook(t, d, g)
		if _, err := h.channels.SyncTemplates(context.Background(), h.ws.ID, h.ch.ID); err != nil {
			t.Fatal(err)
		}
		syncedAt := d.Now() / 1000
		steps := []struct {
			name      string
			body      []byte
			graph     string // the provider's list from this step on, "" unchanged
			failGraph bool
			status    int
			reads     int32 // the provider's list read during the step
			want      []string
		}{
			{name: "paused: in place", body: templateChange(testBusinessAccountID, syncedAt+1, "PAUSED", "order_update", "en_US", "NONE"),
				status: 200, want: []string{"order_update/en_US PAUSED 1", "promo/en_US PENDING 1"}},
			{name: "a report older than the sync changes nothing",
				body:   templateChange(testBusinessAccountID, syncedAt-3600, "DISABLED", "promo", "en_US", "NONE"),
				status: 200, want: []string{"order_update/en_US PAUSED 1", "promo/en_US PENDING 1"}},
			{name: "rejected", body: templateChange(testBusinessAccountID, syncedAt+2, "REJECTED", "promo", "en_US", "INVALID_FORMAT"),
				status: 200, want: []string{"order_update/en_US PAUSED 1", "promo/en_US REJECTED 1"}},
			{name: "a report delivered after a later one changes nothing",
				body:   templateChange(testBusinessAccountID, syncedAt+1, "PENDING", "promo", "en_US", "NONE"),
				status: 200, want: []string{"order_update/en_US PAUSED 1", "promo/en_US REJECTED 1"}},
			{name: "another business account's template is not this channel's",
				body:   templateChange("999", syncedAt+3, "DISABLED", "order_update", "en_US", "NONE"),
				status: 200, want: []string{"order_update/en_US PAUSED 1", "promo/en_US REJECTED 1"}},
			{name: "approved after an edit: the list is read again, the new body with it",
				body:   templateChange(testBusinessAccountID, syncedAt+4, "APPROVED", "order_update", "en_US", "NONE"),
				graph:  `[` + tplBody("order_update", "en_US", "APPROVED", "Hi {{1}}, order {{2}} is on its way.") + `,` + tpl("promo", "en_US", "REJECTED") + `]`,
				status: 200, reads: 1, want: []string{"order_update/en_US APPROVED 2", "promo/en_US REJECTED 1"}},
			{name: "a template made since the sync: the list is read again",
				body:   templateChange(testBusinessAccountID, syncedAt+5, "PENDING", "welcome", "fr", "NONE"),
				graph:  `[` + tplBody("order_update", "en_US", "APPROVED", "Hi {{1}}, order {{2}} is on its way.") + `,` + tpl("promo", "en_US", "REJECTED") + `,` + tpl("welcome", "fr", "PENDING") + `]`,
				status: 200, reads: 1, want: []string{"order_update/en_US APPROVED 2", "promo/en_US REJECTED 1", "welcome/fr PENDING 1"}},
			{name: "an event that is not a status: the list is read again",
				body:   templateChange(testBusinessAccountID, syncedAt+6, "UNARCHIVED", "welcome", "fr", "NONE"),
				graph:  `[` + tplBody("order_update", "en_US", "APPROVED", "Hi {{1}}, order {{2}} is on its way.") + `,` + tpl("promo", "en_US", "REJECTED") + `,` + tpl("welcome", "fr", "APPROVED") + `]`,
				status: 200, reads: 1, want: []string{"order_update/en_US APPROVED 2", "promo/en_US REJECTED 1", "welcome/fr APPROVED 1"}},
			{name: "deleted", body: templateChange(testBusinessAccountID, syncedAt+7, "DELETED", "promo", "en_US", "NONE"),
				status: 200, want: []string{"order_update/en_US APPROVED 2", "welcome/fr APPROVED 1"}},
			{name: "a list that cannot be read is logged, the delivery acknowledged, a restriction kept",
				body:      templateChange(testBusinessAccountID, syncedAt+8, "PAUSED", "welcome", "fr", "NONE"),
				failGraph: true, status: 200, want: []string{"order_update/en_US APPROVED 2", "welcome/fr PAUSED 1"}},
			{name: "an approval whose list cannot be read leaves the template as it was",
				body:      templateChange(testBusinessAccountID, syncedAt+9, "APPROVED", "welcome", "fr", "NONE"),
				failGraph: true, status: 200, reads: 1, want: []string{"order_update/en_US APPROVED 2", "welcome/fr PAUSED 1"}},
			{name: "a change without its template's name is refused",
				body:   []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + testBusinessAccountID + `","time":1,"changes":[{"value":{"event":"PAUSED","message_template_language":"en_US"},"field":"message_template_status_update"}]}]}`),
				status: 400, want: []string{"order_update/en_US APPROVED 2", "welcome/fr PAUSED 1"}},
			{name: "a time that is not a number is refused",
				body:   []byte(`{"object":"whatsapp_business_account","entry":[{"id":"` + testBusinessAccountID + `","time":"soon","changes":[]}]}`),
				status: 400, want: []string{"order_update/en_US APPROVED 2", "welcome/fr PAUSED 1"}},
		}
		for _, s := range steps {
			if s.graph != "" {
				g.list.Store(s.graph)
			}
			g.fail.Store(s.failGraph)
			before := g.reads.Load()
			status, out := h.post(t, h.ch.ID, s.body, "")
			if status != s.status {
				t.Fatalf("%s: %d %s", s.name, status, out)
			}
			if status == http.StatusBadRequest && !strings.Contains(out, `"code":"bad_request"`) {
				t.Errorf("%s: %s", s.name, out)
			}
			if got := g.reads.Load() - before; got != s.reads {
				t.Errorf("%s: the list read %d times, want %d", s.name, got, s.reads)
			}
			if got := h.statuses(t); !slices.Equal(got, s.want) {
				t.Errorf("%s: %v, want %v", s.name, got, s.want)
			}
		}
	})
}

// A paused template is refused by the send's own check as soon as Meta
// reports it, and offered again when it is approved.
func TestTemplatePausedIsNotSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newTemplateGraph(t, `[`+tpl("order_update", "en_US", "APPROVED")+`]`)
		h := newTemplateHook(t, d, g)
		ctx := context.Background()
		if _, err := h.channels.SyncTemplates(ctx, h.ws.ID, h.ch.ID); err != nil {
			t.Fatal(err)
		}
		// The check a message's send makes before anything is stored.
		render := func() error {
			_, _, err := h.channels.TemplateMessageTx(ctx, d.Reader(), h.ws.ID, h.ch.ID,
				json.RawMessage(`{"type":"template","name":"order_update","language":"en_US","params":["Ada"]}`))
			return err
		}
		if err := render(); err != nil {
			t.Fatalf("approved: %v", err)
		}
		at := d.Now()/1000 + 1
		if status, out := h.post(t, h.ch.ID, templateChange(testBusinessAccountID, at, "PAUSED", "order_update", "en_US", "NONE"), ""); status != 200 {
			t.Fatalf("%d %s", status, out)
		}
		if err := render(); err == nil || !strings.Contains(err.Error(), "PAUSED, not approved") {
			t.Errorf("paused: %v", err)
		}
		if status, out := h.post(t, h.ch.ID, templateChange(testBusinessAccountID, at+1, "APPROVED", "order_update", "en_US", "NONE"), ""); status != 200 {
			t.Fatalf("%d %s", status, out)
		}
		if err := render(); err != nil {
			t.Errorf("approved again: %v", err)
		}
	})
}

// Meta's documented delivery of a pause (its reason null, other_info
// beside it) pauses the stored template.
func TestTemplateStatusFixture(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	g := newTemplateGraph(t, `[`+tpl("order_confirmation", "en_US", "APPROVED")+`]`)
	h := newTemplateHook(t, d, g)
	ctx := context.Background()
	if _, err := h.channels.SyncTemplates(ctx, h.ws.ID, h.ch.ID); err != nil {
		t.Fatal(err)
	}
	// The fixture's time is in 2024: stored as synced then, the report is newer.
	if err := d.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE channel_templates SET synced_at = ?`, int64(1731610000)*1000)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if status, out := h.post(t, h.ch.ID, fixture(t, "template_status"), ""); status != http.StatusOK {
		t.Fatalf("%d %s", status, out)
	}
	if got := h.statuses(t); !slices.Equal(got, []string{"order_confirmation/en_US PAUSED 1"}) {
		t.Errorf("%v", got)
	}
}
