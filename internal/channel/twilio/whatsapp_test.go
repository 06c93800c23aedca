package twilio

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// whatsApp makes a test channel a WhatsApp one.
func whatsApp(c *Config) { c.Medium = MediumWhatsApp }

// WhatsApp through Twilio posts the same webhook as SMS with "whatsapp:"
// addresses, the sender's profile name, and its own kinds of message: the
// contact is the number, named by their profile; a location and a
// pressed button are stored as the other channels store theirs.
func TestParseWhatsAppFixtures(t *testing.T) {
	const amaka = "+2348031234567"
	tests := []struct {
		fixture    string
		typ, text  string
		media      int
		contentHas []string
	}{
		{"whatsapp_text.form", "text", "Hi, is my order shipped?", 0, []string{`"to":"whatsapp:+14155550100"`}},
		{"whatsapp_location.form", "location", "Our office, 1 Adeola Odeku St, Victoria Island, Lagos", 0,
			[]string{`"latitude":6.4281`, `"longitude":3.4219`, `"name":"Our office"`, `"address":"1 Adeola Odeku St, Victoria Island, Lagos"`}},
		{"whatsapp_button.form", "quick_reply", "Track my order", 0, []string{`"title":"Track my order"`, `"payload":"track_order"`}},
		{"whatsapp_image.form", "attachment", "The box arrived open", 1, []string{`"content_type":"image/jpeg"`}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			m, err := ParseMessage(fixtureForm(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			in := m.inbound(3, 9)
			if in.Type != tt.typ || in.Text != tt.text || in.ExternalID != amaka || len(in.Media) != tt.media {
				t.Errorf("inbound %s %q from %q with %d media; want %s %q from %s with %d", in.Type, in.Text, in.ExternalID, len(in.Media), tt.typ, tt.text, amaka, tt.media)
			}
			p := in.Profile
			if p.Phone == nil || *p.Phone != amaka || p.FirstName == nil || *p.FirstName != "Amaka" || p.LastName == nil || *p.LastName != "Obi" {
				t.Errorf("profile %+v; want Amaka Obi, %s", p, amaka)
			}
			for _, s := range tt.contentHas {
				if !strings.Contains(string(in.Content), s) {
					t.Errorf("content %s lacks %s", in.Content, s)
				}
			}
		})
	}

	// WhatsApp's short texts stay short whatever is posted: the content
	// stays storable.
	long := fixtureForm(t, "whatsapp_location.form")
	for _, k := range []string{"Label", "Address", "ProfileName"} {
		long.Set(k, strings.Repeat("é", 30_000))
	}
	if m, err := ParseMessage(long); err != nil || len(m.Label) > maxShort+len("…") || len(m.inbound(3, 9).Content) > conversation.MaxContentBytes {
		t.Errorf("60 KB labels: %v, label of %d bytes", err, len(m.Label))
	}

	// A place out of the world is refused, as any malformed parameter.
	for _, bad := range []url.Values{{"Latitude": {"91"}, "Longitude": {"3"}}, {"Latitude": {"6.4"}}, {"Latitude": {"north"}, "Longitude": {"3"}}, {"Latitude": {"NaN"}, "Longitude": {"3"}}} {
		form := fixtureForm(t, "whatsapp_location.form")
		form.Del("Latitude")
		form.Del("Longitude")
		for k, v := range bad {
			form[k] = v
		}
		if _, err := ParseMessage(form); err == nil {
			t.Errorf("%v: parsed", bad)
		}
	}
}

// A WhatsApp send addresses both numbers with "whatsapp:", a Messaging
// Service by the To alone; its status callback has no SMS segments; one
// attachment at most.
func TestSendWhatsApp(t *testing.T) {
	tests := []struct {
		name     string
		mutate   []func(*Config)
		msg      conversation.Message
		want     url.Values
		callback string
	}{
		{"text from the WhatsApp sender", []func(*Config){whatsApp},
			conversation.Message{ID: 1, Type: "text", Text: strings.Repeat("long ", 60)},
			url.Values{"To": {"whatsapp:+2348031234567"}, "From": {"whatsapp:" + testFrom}, "Body": {strings.Repeat("long ", 60)}},
			"https://sb.example.com/webhooks/twilio/7/status"},
		{"through a Messaging Service", []func(*Config){whatsApp, func(c *Config) { c.MessagingServiceSID = testService }},
			conversation.Message{ID: 2, Type: "quick_reply", Text: "Which size?",
				Content: json.RawMessage(`{"type":"quick_reply","text":"Which size?","replies":["40","41"]}`)},
			url.Values{"To": {"whatsapp:+2348031234567"}, "MessagingServiceSid": {testService}, "Body": {"Which size?\n1. 40\n2. 41"}},
			"https://sb.example.com/webhooks/twilio/7/status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
			p := New(channeltest.LoopbackClient(), "https://sb.example.com")
			if _, err := p.Send(context.Background(), testChannel(api.URL, tt.mutate...), "+2348031234567", tt.msg); err != nil {
				t.Fatal(err)
			}
			r := api.last(t)
			if cb := r.form.Get("StatusCallback"); cb != tt.callback {
				t.Errorf("StatusCallback %q, want %q", cb, tt.callback)
			}
			r.form.Del("StatusCallback")
			if r.form.Encode() != tt.want.Encode() {
				t.Errorf("form\n%v\nwant\n%v", r.form, tt.want)
			}
		})
	}

	api := newTwilioAPI(t, http.StatusCreated, fixtureBytes(t, "send_created.json"))
	two := conversation.Message{ID: 3, Type: "attachment",
		Content: json.RawMessage(`{"attachments":[{"type":"image","url":"https://x.example.com/a.jpg"},{"type":"image","url":"https://x.example.com/b.jpg"}]}`)}
	_, err := New(channeltest.LoopbackClient(), "").Send(context.Background(), testChannel(api.URL, whatsApp), "+2348031234567", two)
	if !outbound.IsPermanent(err) || !strings.Contains(err.Error(), "one attachment") {
		t.Errorf("two attachments on WhatsApp: %v, want a permanent refusal", err)
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	if n := len(api.requests); n != 0 {
		t.Errorf("%d requests reached Twilio for a refused send", n)
	}
}

// A WhatsApp channel has WhatsApp's 24-hour window, past which only
// templates go; an SMS channel, made before mediums or after, has none.
func TestWindowFollowsTheMedium(t *testing.T) {
	p := New(nil, "")
	if w := channel.WindowOf(p, testChannel("https://api.twilio.com", whatsApp)); w.Seconds != 24*3600 || w.Rule != "template" {
		t.Errorf("WhatsApp window %+v, want 24 hours then templates", w)
	}
	for _, ch := range []channel.Channel{testChannel("https://api.twilio.com"), {ID: 7, Type: Type, Config: json.RawMessage(`{"account_sid":"` + testAccount + `"}`)}} {
		if w := channel.WindowOf(p, ch); w != (channel.Window{}) {
			t.Errorf("SMS window %+v, want none", w)
		}
	}
}

// A WhatsApp message reaches a WhatsApp channel's webhook signed as an
// SMS does: the contact is made with the number and the profile's name,
// and a redelivery is stored once.
func TestWebhookStoresWhatsAppOnce(t *testing.T) {
	dbtest.OnSQLite(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "", whatsApp)
		form := fixtureForm(t, "whatsapp_text.form")
		f.deliver(t, f.path(""), form)
		if m := lastMessage(t, d); m.typ != "text" || m.text != "Hi, is my order shipped?" || m.providerID != "SM3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0" {
			t.Errorf("stored %+v", m)
		}
		var phone, first, last, external string
		if err := d.Reader().QueryRow(context.Background(), `SELECT k.phone, k.first_name, k.last_name, i.external_id
			FROM contacts k JOIN contact_identities i ON i.contact_id = k.id`).Scan(&phone, &first, &last, &external); err != nil {
			t.Fatal(err)
		}
		if phone != "+2348031234567" || first != "Amaka" || last != "Obi" || external != "+2348031234567" {
			t.Errorf("contact %q %q %q on %q; want Amaka Obi, +2348031234567 on the number", phone, first, last, external)
		}
		before := rows(t, d)
		f.deliver(t, f.path(""), form)
		if after := rows(t, d); !reflect.DeepEqual(before, after) {
			t.Errorf("a redelivery changed %v into %v", before, after)
		}
	})
}
