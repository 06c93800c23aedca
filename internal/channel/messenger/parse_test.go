package messenger

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// The ids of the fixtures (testdata/), written from the webhook examples
// of Meta's Messenger Platform and Instagram Platform references.
const (
	fxPage  = "106100000000001"
	fxPSID  = "6500000000000001"
	fxIG    = "17841400000000001"
	fxIGSID = "7300000000000001"
)

// item is what a test checks of an Inbound.
type item struct {
	kind, ext, pmid, typ, text, target, status string
	media                                      []string // kind=ref
	content                                    string   // a fragment the content holds
	watermark                                  int64    // Unix ms of a watermark status
}

func summary(in conversation.Inbound) item {
	it := item{kind: in.Kind, ext: in.ExternalID, pmid: in.ProviderMessageID, typ: in.Type, text: in.Text, target: in.Target, status: in.Status}
	if !in.Watermark.IsZero() {
		it.watermark = in.Watermark.UnixMilli()
	}
	for _, m := range in.Media {
		it.media = append(it.media, m.Kind+"="+m.Ref)
	}
	return it
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testChannel(p platform, humanAgent bool) channel.Channel {
	cfg := Config{GraphURL: DefaultGraphURL, GraphVersion: DefaultGraphVersion, HumanAgent: humanAgent}
	if p.typ == TypeMessenger {
		cfg.PageID = fxPage
	} else {
		cfg.AccountID = fxIG
	}
	raw, _ := json.Marshal(cfg)
	return channel.Channel{ID: 7, WorkspaceID: 3, Type: p.typ, Config: raw,
		SecretConfig: map[string]string{fieldAccessToken: "EAAtoken", fieldAppSecret: "3f1e9c0d5a7b2e8f4c6a1d0b9e8f7a6c", fieldVerifyToken: "verify-me"}}
}

const cdn = "https://scontent.xx.fbcdn.net/v/t1.15752-9/"
const cdnQuery = "?_nc_cat=1&oh=00_AbC&oe=6600AA00"
const igCDN = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id="
const igSig = "&signature=AbCdEf"

func TestParseFixtures(t *testing.T) {
	msg := conversation.KindMessage
	for _, tc := range []struct {
		file    string
		want    []item
		skipped int
	}{
		// Messenger
		{"messenger/text.json", []item{{kind: msg, ext: fxPSID, pmid: "m_text_0001", typ: "text", text: "hello, world!", content: `"text":"hello, world!"`}}, 0},
		{"messenger/quick_reply.json", []item{{kind: msg, ext: fxPSID, pmid: "m_qr_0001", typ: "quick_reply", text: "Billing and invoices", content: `"payload":"Billing and invoices"`}}, 0},
		{"messenger/attachment_image.json", []item{{kind: msg, ext: fxPSID, pmid: "m_img_0001", typ: "attachment", media: []string{"image=" + cdn + "photo.jpg" + cdnQuery}, content: `"attachment":{"type":"image"`}}, 0},
		{"messenger/attachment_video.json", []item{{kind: msg, ext: fxPSID, pmid: "m_vid_0001", typ: "attachment", media: []string{"video=" + cdn + "clip.mp4" + cdnQuery}}}, 0},
		{"messenger/attachment_audio.json", []item{{kind: msg, ext: fxPSID, pmid: "m_aud_0001", typ: "attachment", media: []string{"audio=" + cdn + "audioclip-1700000000.mp4" + cdnQuery}}}, 0},
		{"messenger/attachment_file.json", []item{{kind: msg, ext: fxPSID, pmid: "m_file_0001", typ: "attachment", text: "the invoice", media: []string{"file=" + cdn + "invoice-42.pdf" + cdnQuery}, content: `"text":"the invoice"`}}, 0},
		{"messenger/sticker.json", []item{{kind: msg, ext: fxPSID, pmid: "m_stk_0001", typ: "attachment", media: []string{"sticker=" + cdn + "sticker.png" + cdnQuery}}}, 0},
		{"messenger/location.json", []item{{kind: msg, ext: fxPSID, pmid: "m_loc_0001", typ: "location", text: "Pinned Location", content: `"latitude":48.8566`}}, 0},
		{"messenger/fallback.json", []item{{kind: msg, ext: fxPSID, pmid: "m_fb_0001", typ: "fallback", text: "https://example.com/article", content: `"file_name":"An article"`}}, 0},
		{"messenger/postback.json", []item{{kind: msg, ext: fxPSID, pmid: "m_pb_0001", typ: "postback", text: "Talk to an agent", content: `"payload":"TALK_TO_AGENT"`}}, 0},
		{"messenger/postback_no_mid.json", []item{{kind: msg, ext: fxPSID, pmid: "postback:" + fxPSID + ":1700000000950", typ: "postback", text: "Get Started"}}, 0},
		{"messenger/echo.json", []item{{kind: conversation.KindEcho, ext: fxPSID, pmid: "m_echo_0001", typ: "text", text: "We are on it."}}, 0},
		{"messenger/echo_own.json", nil, 1},
		{"messenger/delivery.json", []item{{kind: conversation.KindStatus, ext: fxPSID, pmid: "m_out_0001", status: "delivered"},
			{kind: conversation.KindStatus, ext: fxPSID, pmid: "m_out_0002", status: "delivered"},
			{kind: conversation.KindStatus, ext: fxPSID, status: "delivered", watermark: 1700000001150}}, 0},
		// A watermark names no message: the receive path finds those sent up to it.
		{"messenger/delivery_watermark.json", []item{{kind: conversation.KindStatus, ext: fxPSID, status: "delivered", watermark: 1700000001250}}, 0},
		{"messenger/read.json", []item{{kind: conversation.KindStatus, ext: fxPSID, status: "read", watermark: 1700000001350}}, 0},
		{"messenger/reaction.json", []item{{kind: conversation.KindReaction, ext: fxPSID, typ: "reaction", text: "❤️", target: "m_out_0001"}}, 0},
		{"messenger/unreact.json", []item{{kind: conversation.KindReaction, ext: fxPSID, typ: "reaction", text: "", target: "m_out_0001", content: `"action":"unreact"`}}, 0},
		{"messenger/message_edit.json", []item{{kind: conversation.KindEdit, ext: fxPSID, pmid: "m_text_0001:edit:1", typ: "text", text: "hello, world! (edited)", target: "m_text_0001"}}, 0},
		{"messenger/referral.json", []item{{kind: msg, ext: fxPSID, pmid: "event:referral:" + fxPSID + ":1700000001800", typ: conversation.TypeUnsupported, content: `"ref":"summer-campaign"`}}, 0},
		{"messenger/unknown_attachment.json", []item{{kind: msg, ext: fxPSID, pmid: "m_unk_0001", typ: conversation.TypeUnsupported, content: `"hologram"`}}, 0},
		{"messenger/batch.json", []item{{kind: msg, ext: fxPSID, pmid: "m_batch_0001", typ: "text", text: "first"},
			{kind: msg, ext: fxPSID, pmid: "m_batch_0002", typ: "text", text: "second"}}, 0},
		{"messenger/other_page.json", nil, 1},
		// Instagram
		{"instagram/text.json", []item{{kind: msg, ext: fxIGSID, typ: "text", text: "hi from instagram",
			pmid: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAxOjM0MDI4MjM2Njg0MTcxMDMwMTI0NDI1OTg2NjE2NTg1NjQ4NjQ3NjoxMDAwMDAwMDAwMDAwMDAwMAZDZD"}}, 0},
		{"instagram/quick_reply.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_qr_0001", typ: "quick_reply", text: "Billing and invoices"}}, 0},
		{"instagram/image.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_img_0001", typ: "attachment", media: []string{"image=" + igCDN + "1001" + igSig}}}, 0},
		{"instagram/video.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_vid_0001", typ: "attachment", media: []string{"video=" + igCDN + "1002" + igSig}}}, 0},
		{"instagram/audio.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_aud_0001", typ: "attachment", media: []string{"audio=" + igCDN + "1003" + igSig}}}, 0},
		{"instagram/file.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_file_0001", typ: "attachment", media: []string{"file=" + igCDN + "1004" + igSig}}}, 0},
		{"instagram/share.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_share_0001", typ: "share", content: `"url":"https://www.instagram.com/p/C0AbCdEfGh/"`}}, 0},
		{"instagram/ig_reel.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_reel_0001", typ: "ig_reel", content: `"file_name":"A reel"`}}, 0},
		// A story's media must not be stored (Meta's story mention policy): a link, no fetch.
		{"instagram/story_mention.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_sm_0001", typ: "story_mention", content: `"type":"story_mention"`}}, 0},
		{"instagram/story_reply.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_sr_0001", typ: "story_reply", text: "love this", content: `"story_id":"18000000000000002"`}}, 0},
		{"instagram/reply_to.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_rt_0001", typ: "text", text: "yes, this one", content: `"reply_to":"ig_out_0001"`}}, 0},
		{"instagram/deleted.json", []item{{kind: conversation.KindEdit, ext: fxIGSID, pmid: "ig_img_0001:deleted", typ: "deleted", target: "ig_img_0001"}}, 0},
		{"instagram/unsupported.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_uns_0001", typ: conversation.TypeUnsupported, content: `"is_unsupported":true`}}, 0},
		{"instagram/postback.json", []item{{kind: msg, ext: fxIGSID, pmid: "ig_pb_0001", typ: "postback", text: "Track my order"}}, 0},
		{"instagram/echo.json", []item{{kind: conversation.KindEcho, ext: fxIGSID, pmid: "ig_echo_0001", typ: "text", text: "Answered from the Instagram app"}}, 0},
		{"instagram/read.json", []item{{kind: conversation.KindStatus, ext: fxIGSID, pmid: "ig_out_0001", status: "read"}}, 0},
		{"instagram/reaction.json", []item{{kind: conversation.KindReaction, ext: fxIGSID, typ: "reaction", text: "❤️", target: "ig_out_0001"}}, 0},
		{"instagram/unreact.json", []item{{kind: conversation.KindReaction, ext: fxIGSID, typ: "reaction", target: "ig_out_0001"}}, 0},
		{"instagram/message_edit.json", []item{{kind: conversation.KindEdit, ext: fxIGSID, pmid: "ig_rt_0001:edit:2", typ: "text", text: "yes, that one", target: "ig_rt_0001"}}, 0},
		{"instagram/referral.json", []item{{kind: msg, ext: fxIGSID, pmid: "event:referral:" + fxIGSID + ":1700000001500", typ: conversation.TypeUnsupported, content: `"ad_id"`}}, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := messengerPlatform
			if strings.HasPrefix(tc.file, "instagram/") {
				p = instagramPlatform
			}
			pr := newProvider(p, nil)
			ch := testChannel(p, false)
			d, err := Parse(fixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if d.Object != p.object {
				t.Errorf("object %q", d.Object)
			}
			cfg, _ := configOf(ch)
			items, skipped := pr.inbound(ch, cfg, d)
			if skipped != tc.skipped {
				t.Errorf("skipped %d, want %d", skipped, tc.skipped)
			}
			if len(items) != len(tc.want) {
				t.Fatalf("%d items, want %d: %+v", len(items), len(tc.want), items)
			}
			for i, in := range items {
				got, want := summary(in), tc.want[i]
				frag := want.content
				want.content = ""
				if !sameItem(got, want) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, got, want)
				}
				if in.WorkspaceID != 3 || in.ChannelID != 7 {
					t.Errorf("item %d: workspace %d channel %d", i, in.WorkspaceID, in.ChannelID)
				}
				if in.Kind != conversation.KindStatus {
					if !json.Valid(in.Content) || in.Content[0] != '{' {
						t.Errorf("item %d: content %s is not an object", i, in.Content)
					}
					if frag != "" && !strings.Contains(string(in.Content), frag) {
						t.Errorf("item %d: content %s lacks %s", i, in.Content, frag)
					}
				}
				if in.Timestamp.IsZero() {
					t.Errorf("item %d: no timestamp", i)
				}
			}
		})
	}
}

func sameItem(a, b item) bool {
	if len(a.media) != len(b.media) {
		return false
	}
	for i := range a.media {
		if a.media[i] != b.media[i] {
			return false
		}
	}
	return a.kind == b.kind && a.ext == b.ext && a.pmid == b.pmid && a.typ == b.typ && a.text == b.text &&
		a.target == b.target && a.status == b.status && a.watermark == b.watermark
}

// The echo of another app's or the page inbox's message is stored; the
// echo of a message Switchboard sent (its metadata) is not, on Messenger.
// Instagram has no metadata: its echoes are stored by mid, which the
// receive path recognises as the message it sent.
func TestEchoMetadata(t *testing.T) {
	pr := newProvider(instagramPlatform, nil)
	ch := testChannel(instagramPlatform, false)
	cfg, _ := configOf(ch)
	body := strings.ReplaceAll(string(fixture(t, "instagram/echo.json")), `"is_echo": true`, `"is_echo": true, "metadata": "switchboard:1"`)
	d, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if items, skipped := pr.inbound(ch, cfg, d); len(items) != 1 || skipped != 0 || items[0].Kind != conversation.KindEcho {
		t.Errorf("instagram echo: %+v %d", items, skipped)
	}
}

func TestParseRefuses(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range []struct{ name, body string }{
		{"empty", ``},
		{"not JSON", `hello`},
		{"null", `null`},
		{"an array", `[]`},
		{"entry not an array", `{"object":"page","entry":{}}`},
		{"messaging not an array", `{"object":"page","entry":[{"id":"1","messaging":{}}]}`},
		{"sender of the wrong type", `{"object":"page","entry":[{"id":"1","messaging":[{"sender":"me","message":{"mid":"m","text":"x"}}]}]}`},
		{"text of the wrong type", `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"message":{"mid":"m","text":5}}]}]}`},
		{"a mid too long", `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"1"},"message":{"mid":"` + long + `","text":"x"}}]}]}`},
		{"a sender too long", `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"` + long + `"},"message":{"mid":"m","text":"x"}}]}]}`},
	} {
		_, err := Parse([]byte(tc.body))
		if apperr.KindOf(err) != apperr.KindBadRequest {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// An event without a sender (a policy-enforcement notice) is left
	// out and counted, not refused.
	d, err := Parse([]byte(`{"object":"page","entry":[{"id":"1","messaging":[{"recipient":{"id":"1"},"message":{"mid":"m","text":"x"}}]}]}`))
	if err != nil || len(d.Entry) != 1 || len(d.Entry[0].Messaging) != 0 || d.Entry[0].NoSender != 1 {
		t.Errorf("no sender: %+v %v", d, err)
	}
	// What Meta sends without messaging (Instagram comments) parses to nothing.
	d, err = Parse([]byte(`{"object":"instagram","entry":[{"id":"1","time":1,"changes":[{"field":"comments","value":{}}]}]}`))
	if err != nil || len(d.Entry) != 1 || len(d.Entry[0].Messaging) != 0 {
		t.Errorf("changes: %+v %v", d, err)
	}
}

// A reaction, edit or deletion that names no message is kept as what it
// is (unsupported), never handed on without its target.
func TestNoTarget(t *testing.T) {
	pr := newProvider(instagramPlatform, nil)
	ch := testChannel(instagramPlatform, false)
	cfg, _ := configOf(ch)
	for _, ev := range []string{`"reaction":{"action":"react","emoji":"x"}`, `"message_edit":{"text":"x"}`, `"message":{"is_deleted":true}`} {
		d, err := Parse([]byte(`{"object":"instagram","entry":[{"id":"` + fxIG + `","messaging":[{"sender":{"id":"1"},"timestamp":1,` + ev + `}]}]}`))
		if err != nil {
			t.Fatal(err)
		}
		items, _ := pr.inbound(ch, cfg, d)
		if len(items) != 1 || items[0].Kind != conversation.KindMessage || items[0].Type != conversation.TypeUnsupported || items[0].Target != "" {
			t.Errorf("%s: %+v", ev, items)
		}
	}
}
