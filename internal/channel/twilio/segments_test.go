package twilio

import (
	"strings"
	"testing"
	"unicode/utf16"
)

// The counts Twilio documents (twilio.com/docs/glossary/what-sms-character-limit,
// what-is-ucs-2-character-encoding): 160 GSM-7 characters in one segment,
// 153 per segment beyond; 70 UCS-2 code units in one, 67 beyond; one
// character outside GSM-7 turns the whole message to UCS-2; the GSM-7
// extension characters take two septets.
func TestSegments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		segments int
		encoding string
	}{
		{"empty", "", 0, GSM7},
		{"short", "Hello", 1, GSM7},
		{"160 GSM-7 characters: one segment", strings.Repeat("a", 160), 1, GSM7},
		{"161: two segments of 153", strings.Repeat("a", 161), 2, GSM7},
		{"306 = 2 × 153", strings.Repeat("a", 306), 2, GSM7},
		{"307: three", strings.Repeat("a", 307), 3, GSM7},
		{"350 characters: three (153 + 153 + 44)", strings.Repeat("a", 350), 3, GSM7},
		{"1600 characters: eleven", strings.Repeat("a", 1600), 11, GSM7},
		{"û is not GSM-7", "Ça coûte 5€?", 1, UCS2},
		{"GSM-7 accents", "Ça va? ÄÖÑÜ ΔΦΓΛΩ é è ù ì ò à", 1, GSM7},
		{"80 euro signs count 160", strings.Repeat("€", 80), 1, GSM7},
		{"81 euro signs count 162", strings.Repeat("€", 81), 2, GSM7},
		{"extension characters count twice", strings.Repeat("{", 77) + "ab", 1, GSM7},
		{"an escape is not split across segments", strings.Repeat("a", 152) + "^" + strings.Repeat("a", 10), 2, GSM7},
		{"an escape at the boundary moves on", strings.Repeat("a", 152) + "^" + strings.Repeat("a", 152), 3, GSM7},
		{"70 UCS-2 characters: one segment", strings.Repeat("ж", 70), 1, UCS2},
		{"71: two segments of 67", strings.Repeat("ж", 71), 2, UCS2},
		{"134 = 2 × 67", strings.Repeat("ж", 134), 2, UCS2},
		{"135: three", strings.Repeat("ж", 135), 3, UCS2},
		{"one emoji turns GSM-7 text into UCS-2", strings.Repeat("a", 69) + "👋", 2, UCS2},
		{"an emoji is two code units", strings.Repeat("👋", 35), 1, UCS2},
		{"36 emoji are 72 units", strings.Repeat("👋", 36), 2, UCS2},
		{"a surrogate pair is not split (134 units, yet three)", strings.Repeat("a", 66) + "👋" + strings.Repeat("b", 66), 3, UCS2},
		{"Chinese", "你好，我需要帮助", 1, UCS2},
		{"newline and carriage return are GSM-7", "line one\r\nline two", 1, GSM7},
		{"a tab is not GSM-7", "a\tb", 1, UCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc := Segments(tt.text)
			if n != tt.segments || enc != tt.encoding {
				t.Errorf("Segments = %d %s, want %d %s", n, enc, tt.segments, tt.encoding)
			}
		})
	}
}

func TestSegmentNote(t *testing.T) {
	if got := segmentNote(1, GSM7); got != "1 SMS segment (GSM-7)" {
		t.Error(got)
	}
	if got := segmentNote(3, UCS2); got != "3 SMS segments (UCS-2)" {
		t.Error(got)
	}
}

// FuzzSegments: any text, valid UTF-8 or not, gets a count within the
// bounds its length allows.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "Hello", strings.Repeat("€", 81), strings.Repeat("👋", 36), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n, enc := Segments(text)
		units := len(utf16.Encode([]rune(text)))
		if text == "" {
			if n != 0 {
				t.Fatalf("empty text: %d", n)
			}
			return
		}
		if n < 1 || (enc != GSM7 && enc != UCS2) {
			t.Fatalf("Segments(%q) = %d %s", text, n, enc)
		}
		if enc == UCS2 && (n < (units+ucs2Multi-1)/ucs2Multi && units > ucs2Single || n > units) {
			t.Fatalf("Segments(%q) = %d for %d code units", text, n, units)
		}
	})
}
