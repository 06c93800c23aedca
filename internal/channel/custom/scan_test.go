package custom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
)

// collectMembers returns members' keys and values as "key=value" lines.
func collectMembers(obj string) []string {
	var out []string
	for k, v := range members([]byte(strings.TrimSpace(obj))) {
		out = append(out, string(k)+"="+string(v))
	}
	return out
}

func TestMembers(t *testing.T) {
	tests := []struct {
		obj  string
		want []string
	}{
		{`{}`, nil},
		{" {\t\n\r} ", nil},
		{`{"a":1}`, []string{"a=1"}},
		{` { "a" : 1 , "b" :"x" } `, []string{"a=1", `b="x"`}},
		{`{"a":true,"b":false,"c":null,"d":-1.5e+3}`, []string{"a=true", "b=false", "c=null", "d=-1.5e+3"}},
		// Keys are unescaped; a repeated key is yielded each time.
		{`{"\u0074ype":"a","type":"b","a\"b":0,"\\":0,"\ud800":0}`, []string{`type="a"`, `type="b"`, `a"b=0`, `\=0`, "\uFFFD=0"}},
		// Nested values end at their own closing bracket, not at one
		// inside a string or an escaped quote.
		{`{"o":{"x":["}",{"y":"\"]"}]},"a":[[],{}],"s":"\\","t":"\\\"}"}`,
			[]string{`o={"x":["}",{"y":"\"]"}]}`, "a=[[],{}]", `s="\\"`, `t="\\\"}"`}},
	}
	for _, tt := range tests {
		if got := collectMembers(tt.obj); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("members(%s) = %q, want %q", tt.obj, got, tt.want)
		}
	}
	// Breaking out of the loop stops the scan.
	n := 0
	for range members([]byte(`{"a":1,"b":2,"c":3}`)) {
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("%d members after break", n)
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		arr  string
		want []string
	}{
		{`[]`, nil},
		{"[ \n ]", nil},
		{`[1]`, []string{"1"}},
		{` [ 1 , "a,]" ,{"b":[2]}, [] ,null,true] `, []string{"1", `"a,]"`, `{"b":[2]}`, "[]", "null", "true"}},
	}
	for _, tt := range tests {
		var got []string
		for v := range elements([]byte(strings.TrimSpace(tt.arr))) {
			got = append(got, string(v))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("elements(%s) = %q, want %q", tt.arr, got, tt.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for lit, want := range map[string]string{
		`""`:                    "",
		`"héllo ✓"`:             "héllo ✓",
		`"a\"b\\c\/d\n"`:        "a\"b\\c/d\n",
		`"\u00e9\u0000"`:        "é\x00",
		`"\ud83d\ude00"`:        "😀",
		`"\ud800"`:              "\uFFFD", // a lone surrogate, as encoding/json decodes it
		`"<b>&amp;</b>\u003c"`:  "<b>&amp;</b><",
		"\"\xef\xbf\xbd done\"": "\uFFFD done", // a real U+FFFD is kept as it is
	} {
		if got := unquote([]byte(lit)); got != want {
			t.Errorf("unquote(%s) = %q, want %q", lit, got, want)
		}
	}
}

// FuzzScan checks the trusted scanner against encoding/json on any valid
// JSON (in valid UTF-8, as Parse guarantees): at every level, an object's
// members are those json.Unmarshal puts in a map[string]json.RawMessage
// (the last of a repeated key counting), an array's elements those it puts
// in a []json.RawMessage, and a string what it decodes into a string.
func FuzzScan(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `""`, `0`, `{"a":[1,"x",{"b":null}],"a":true}`, ` [ {"\u0061":"\ud800"} , "\\\"" ] `} {
		f.Add([]byte(s))
	}
	channeltest.AddSeedFiles(f, payloadSeeds)
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || !json.Valid(data) {
			return // the scanner is only ever given valid JSON
		}
		v := bytes.TrimSpace(data)
		if end := skipValue(v, 0); end != len(v) {
			t.Fatalf("skipValue(%q) = %d, want %d", v, end, len(v))
		}
		if err := sameAsEncodingJSON(v); err != nil {
			t.Fatal(err)
		}
	})
}

// sameAsEncodingJSON compares the scanner with encoding/json on v, a valid
// JSON value without surrounding whitespace, and on every value inside it.
func sameAsEncodingJSON(v []byte) error {
	switch v[0] {
	case '{':
		var want map[string]json.RawMessage
		if err := json.Unmarshal(v, &want); err != nil {
			return err
		}
		got := map[string]json.RawMessage{}
		for k, m := range members(v) {
			got[string(k)] = m
			if err := sameAsEncodingJSON(m); err != nil {
				return err
			}
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("members(%s) = %q, encoding/json %q", v, got, want)
		}
	case '[':
		var want []json.RawMessage
		if err := json.Unmarshal(v, &want); err != nil {
			return err
		}
		got := []json.RawMessage{}
		for e := range elements(v) {
			got = append(got, e)
			if err := sameAsEncodingJSON(e); err != nil {
				return err
			}
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("elements(%s) = %q, encoding/json %q", v, got, want)
		}
	case '"':
		var want string
		if err := json.Unmarshal(v, &want); err != nil {
			return err
		}
		if got := unquote(v); got != want {
			return fmt.Errorf("unquote(%s) = %q, encoding/json %q", v, got, want)
		}
	}
	return nil
}
