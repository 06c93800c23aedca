package harness

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Body is written by hand for speed; it must still be the JSON the custom
// channel documents, whatever the strings hold.
func TestBodyIsTheCustomChannelPayload(t *testing.T) {
	ts := time.UnixMilli(1700000000123)
	got := Body(42, "+14155550123", `Ada "the" Countess`, []Message{
		{MID: "m1", Text: "hi"},
		{MID: "m-2", Text: "quote \" backslash \\ newline \n emoji 🙂"},
	}, ts)
	var p struct {
		ChannelID string `json:"channelId"`
		ContactID string `json:"contactId"`
		Events    []struct {
			Type      string `json:"type"`
			MID       string `json:"mId"`
			Timestamp int64  `json:"timestamp"`
			Message   struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"message"`
		} `json:"events"`
		Contact struct {
			FirstName string `json:"firstName"`
		} `json:"contact"`
	}
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatalf("Body is not JSON: %v\n%s", err, got)
	}
	if p.ChannelID != "42" || p.ContactID != "+14155550123" || p.Contact.FirstName != `Ada "the" Countess` {
		t.Errorf("header fields: %+v", p)
	}
	var mids, texts []string
	for _, e := range p.Events {
		if e.Type != "message" || e.Message.Type != "text" || e.Timestamp != ts.UnixMilli() {
			t.Errorf("event %+v: want a text message at %d", e, ts.UnixMilli())
		}
		mids, texts = append(mids, e.MID), append(texts, e.Message.Text)
	}
	if want := []string{"m1", "m-2"}; !reflect.DeepEqual(mids, want) {
		t.Errorf("mIds %v, want %v", mids, want)
	}
	if want := []string{"hi", "quote \" backslash \\ newline \n emoji 🙂"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("texts %q, want %q", texts, want)
	}
}
