package custom

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseMatchesReference checks that Parse behaves exactly as it did
// when it decoded every level with encoding/json (refParse, in
// parse_reference_test.go): for any body, the same Payload (even the
// partial one returned with an error) and the same error, kind, field and
// message alike.
func FuzzParseMatchesReference(f *testing.F) {
	addPayloadSeeds(f)
	for _, s := range differentialSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotErr := Parse(body)
		want, wantErr := refParse(body)
		if !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("Parse(%q) error = %#v (%v), reference %#v (%v)", body, gotErr, gotErr, wantErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %+v, reference %+v", body, got, want)
		}
	})
}

// addPayloadSeeds seeds f with the real payloads of testdata/payloads.
func addPayloadSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "payloads", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed payloads: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// differentialSeeds are bodies where a scanner of its own could part from
// encoding/json: escaped and repeated keys, whitespace, null, values of
// every JSON type where a string or object is expected, and a text long
// enough to be cut, whose content is then re-marshalled.
func differentialSeeds() []string {
	ev := func(event string) string {
		return `{"channelId":7,"contactId":"c1","events":[` + event + `],"contact":{"firstName":"A"}}`
	}
	long := strings.Repeat("é<b>&", 2500)
	return []string{
		``, ` `, `{}`, `null`, `[]`, `"x"`, `1`, `true`, `{"a":1} {}`, `{"a":1}x`, `{"a":}`, `{"a":1`, "\u00a0{}\u00a0", "\xef\xbb\xbf{}",
		`{"contactId":"c1","events":[{}]}`,
		` { "channelId" : " 12 " , "contactId" : "c1" , "events" : [ { "type" : "message" , "mId" : 5 , "message" : { "type" : "text" , "text" : "hi" } } ] } `,
		`{"\u0063ontactId":"c1","contactId":"c2","events":[{"type":"message","mId":"m","message":{"type":"text","text":"a","text":"b"}}]}`,
		`{"contactId":"c1","contactId":null,"events":[]}`,
		`{"contactId":"c\u0031","events":[{"type":"message","mId":"m\ud800","message":{"type":"text","text":"\u00e9\n\"\\"}}]}`,
		`{"contactId":"c1","events":"x","events":[{"type":"message","mId":-1.5e3,"timestamp":17e11,"message":{"type":"location","latitude":-9.5,"longitude":1e2,"address":"here"}}]}`,
		ev(`{"type":"message","mId":"m","message":{"type":"text","text":"` + long + `","<x>":"&"}}`),
		ev(`{"type":"message","mId":"m","message":{"text":"` + long + `","type":"quick_reply","title":"t","\u0074ext":"` + long + `"}}`),
		ev(`{"type":"message","mId":"m","message":{"type":"location","address":"` + long + `","latitude":1}}`),
		ev(`{"type":"message_echo","mId":"m","message":{"type":"attachment","attachment":{"type":"image","url":"u"},"text":"` + long + `"}}`),
		ev(`{"type":"message","mId":"m","message":{"type":"sticker","text":{"x":[1,"]}"]},"n":[[],{}]}}`),
		ev(`{"type":"message_status","mId":"m","status":{"value":"FAILED","message":null},"reason":"","error":{"message":"why"}}`),
		ev(`{"type":"message_status","mId":"m","status":"failed","error":[1]}`),
		ev(`{"type":"message_status","mId":"m","status":"failed","error":"x\u0000y"}`),
		ev(`{"type":"message_status","mId":"m","status":false}`),
		`{"contactId":"c1","events":[{"type":"message","mId":"m","message":{"type":"text","text":"x"}}],"contact":{"firstName":" \u0000A ","lastName":1,"email":"` +
			strings.Repeat("e", MaxProfileLen+1) + `","phone":null,"phone":"+1","language":["en"]}}`,
	}
}
