package twilio

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

const mediaBase = "https://api.twilio.com/2010-04-01/Accounts/" + testAccount + "/Messages/MM1a2b3c4d5e6f708192a3b4c5d6e7f809/Media/"

// Every inbound fixture parses into the item Receive stores.
func TestParseMessageFixtures(t *testing.T) {
	tests := []struct {
		fixture    string
		typ, text  string
		from, sid  string
		country    string
		media      []conversation.MediaRef
		contentHas []string
	}{
		{"sms.form", "text", "Hello, I need help with billing", "+16505551199", "SMbe794ce78f6b9fdf853d2acb76c080db", "US", nil,
			[]string{`"num_segments":1`, `"city":"SAN BRUNO"`, `"to":"+14155550100"`}},
		{"sms_unicode.form", "text", "Bonjour 👋 ça va ?", "+33698765432", "SM2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d", "FR", nil, nil},
		{"mms_two_media.form", "attachment", "Here are the photos", "+16505551199", "MM1a2b3c4d5e6f708192a3b4c5d6e7f809", "US",
			[]conversation.MediaRef{
				{Ref: mediaBase + "ME0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Kind: "image", ContentType: "image/jpeg"},
				{Ref: mediaBase + "ME1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Kind: "video", ContentType: "video/mp4"},
			}, []string{`"type":"attachment"`, `"content_type":"video/mp4"`}},
		{"empty_body.form", conversation.TypeUnsupported, "", "+447700900123", "SM0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "GB", nil,
			[]string{`"params":{`, `"ApiVersion":["2010-04-01"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			m, err := ParseMessage(fixtureForm(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			in := m.inbound(3, 9)
			if in.Kind != conversation.KindMessage || in.WorkspaceID != 3 || in.ChannelID != 9 || in.Type != tt.typ || in.Text != tt.text ||
				in.ExternalID != tt.from || in.ProviderMessageID != tt.sid {
				t.Errorf("inbound = %+v", in)
			}
			if in.Profile.Phone == nil || *in.Profile.Phone != tt.from || in.Profile.Country == nil || *in.Profile.Country != tt.country {
				t.Errorf("profile = %+v", in.Profile)
			}
			if !reflect.DeepEqual(in.Media, tt.media) {
				t.Errorf("media = %+v, want %+v", in.Media, tt.media)
			}
			for _, s := range tt.contentHas {
				if !strings.Contains(string(in.Content), s) {
					t.Errorf("content %s lacks %s", in.Content, s)
				}
			}
		})
	}
}

// Every status fixture maps to ours, or is not recorded.
func TestParseStatusFixtures(t *testing.T) {
	p := New(nil, "")
	tests := []struct {
		fixture, status, reason string
		recorded                bool
	}{
		{"status_queued.form", "", "", false},
		{"status_sending.form", "", "", false},
		{"status_sent.form", conversation.MsgSent, "", true},
		{"status_delivered.form", conversation.MsgDelivered, "", true},
		{"status_read.form", conversation.MsgRead, "", true},
		{"status_undelivered_30003.form", conversation.MsgFailed, "Unreachable destination handset (Twilio error 30003)", true},
		{"status_failed_30008.form", conversation.MsgFailed, "Unknown error (Twilio error 30008)", true},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s, err := ParseStatus(fixtureForm(t, tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			if s.MessageSID != "SM5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f" {
				t.Errorf("sid %q", s.MessageSID)
			}
			st, ok := p.MapStatus(s.Status)
			if ok != tt.recorded || st != tt.status {
				t.Errorf("MapStatus(%q) = %q %v", s.Status, st, ok)
			}
			if r := statusReason(s, nil); r != tt.reason {
				t.Errorf("reason %q, want %q", r, tt.reason)
			}
		})
	}
	// The segment count of the callback URL is added; a forged one is not.
	s, _ := ParseStatus(fixtureForm(t, "status_undelivered_30003.form"))
	if r := statusReason(s, url.Values{"segments": {"3"}, "encoding": {"UCS-2"}}); r != "Unreachable destination handset (Twilio error 30003); sent as 3 SMS segments (UCS-2)" {
		t.Error(r)
	}
	if r := statusReason(Status{Status: "failed", ErrorCode: "12345"}, url.Values{"segments": {"9999"}, "encoding": {"x"}}); r != "Twilio error 12345" {
		t.Error(r)
	}
	if r := statusReason(Status{Status: "failed"}, nil); r != "Twilio reported the message failed" {
		t.Error(r)
	}
}

func TestParseRefusesMalformed(t *testing.T) {
	sms := func(mutate func(url.Values)) url.Values {
		f := fixtureForm(t, "sms.form")
		mutate(f)
		return f
	}
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"no MessageSid", sms(func(f url.Values) { f.Del("MessageSid"); f.Del("SmsMessageSid"); f.Del("SmsSid") })},
		{"no From", sms(func(f url.Values) { f.Del("From") })},
		{"NumMedia not a number", sms(func(f url.Values) { f.Set("NumMedia", "two") })},
		{"NumMedia over 10", sms(func(f url.Values) { f.Set("NumMedia", "11") })},
		{"NumMedia negative", sms(func(f url.Values) { f.Set("NumMedia", "-1") })},
		{"MediaUrl missing", sms(func(f url.Values) { f.Set("NumMedia", "1") })},
		{"MediaUrl not http", sms(func(f url.Values) { f.Set("NumMedia", "1"); f.Set("MediaUrl0", "file:///etc/passwd") })},
		{"NumSegments not a number", sms(func(f url.Values) { f.Set("NumSegments", "x") })},
		{"MessageSid too long", sms(func(f url.Values) { f.Set("MessageSid", strings.Repeat("S", 300)) })},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseMessage(tt.form); apperr.KindOf(err) != apperr.KindBadRequest {
				t.Errorf("err = %v, want a bad request", err)
			}
		})
	}
	status := func(mutate func(url.Values)) url.Values {
		f := fixtureForm(t, "status_failed_30008.form")
		mutate(f)
		return f
	}
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"no MessageSid", status(func(f url.Values) { f.Del("MessageSid"); f.Del("SmsSid") })},
		{"no status", status(func(f url.Values) { f.Del("MessageStatus"); f.Del("SmsStatus") })},
		{"ErrorCode not a number", status(func(f url.Values) { f.Set("ErrorCode", "oops") })},
	} {
		t.Run("status "+tt.name, func(t *testing.T) {
			if _, err := ParseStatus(tt.form); apperr.KindOf(err) != apperr.KindBadRequest {
				t.Errorf("err = %v, want a bad request", err)
			}
		})
	}
	// The older SmsStatus alone still says the status.
	s, err := ParseStatus(status(func(f url.Values) { f.Del("MessageStatus") }))
	if err != nil || s.Status != "failed" {
		t.Errorf("SmsStatus alone: %+v %v", s, err)
	}
}

// FuzzParseForm: whatever is posted, the parsers answer a value or a 400,
// never panic, and what they accept is storable.
func FuzzParseForm(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".form") {
			raw, _ := os.ReadFile(filepath.Join("testdata", e.Name()))
			f.Add(string(raw))
		}
	}
	f.Add("NumMedia=10&MessageSid=SM1&From=x")
	f.Add("MessageSid=%00&From=%FF&Body=%F0%9F")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		if m, err := ParseMessage(form); err == nil {
			in := m.inbound(1, 1)
			if in.ProviderMessageID == "" || in.ExternalID == "" || len(in.Media) > MaxMedia || len(in.Content) == 0 || len(in.Content) > conversation.MaxContentBytes {
				t.Fatalf("accepted %q as %+v", body, in)
			}
		} else if apperr.KindOf(err) != apperr.KindBadRequest {
			t.Fatalf("ParseMessage(%q): %v", body, err)
		}
		if s, err := ParseStatus(form); err == nil {
			if s.MessageSID == "" || s.Status == "" {
				t.Fatalf("accepted status %q as %+v", body, s)
			}
			_ = statusReason(s, form)
		} else if apperr.KindOf(err) != apperr.KindBadRequest {
			t.Fatalf("ParseStatus(%q): %v", body, err)
		}
	})
}
