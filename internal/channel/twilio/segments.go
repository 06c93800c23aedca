package twilio

import "fmt"

// Encodings of an SMS.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Segment sizes: one segment carries 140 octets; a message split in
// several spends 6 of each on the header that reassembles them.
const (
	gsmSingle, gsmMulti   = 160, 153 // septets
	ucs2Single, ucs2Multi = 70, 67   // UTF-16 code units
)

// gsmBasic is the GSM 03.38 default alphabet; gsmExtension the
// characters of its extension table, each sent as an escape and a
// character: they count twice.
var (
	gsmBasic = runeSet("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
	gsmExtension = runeSet("\f^{}\\[~]|€")
)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// Segments is how many SMS segments Twilio splits text into, and in which
// encoding: GSM-7 when every character is in the GSM alphabet (160
// characters in one segment, 153 per segment beyond; the extension
// characters ^ { } \ [ ~ ] | € and form feed count as two), UCS-2
// otherwise (70 UTF-16 code units, 67 per segment beyond; a character
// outside the Basic Multilingual Plane, such as most emoji, counts as two).
// A segment never ends inside an escape or a surrogate pair. Empty text
// is 0 segments.
func Segments(text string) (int, string) {
	if text == "" {
		return 0, GSM7
	}
	encoding, single, multi := GSM7, gsmSingle, gsmMulti
	for _, r := range text {
		if !gsmBasic[r] && !gsmExtension[r] {
			encoding, single, multi = UCS2, ucs2Single, ucs2Multi
			break
		}
	}
	cost := func(r rune) int {
		if encoding == GSM7 {
			if gsmExtension[r] {
				return 2
			}
			return 1
		}
		if r > 0xFFFF {
			return 2
		}
		return 1
	}
	total := 0
	for _, r := range text {
		total += cost(r)
	}
	if total <= single {
		return 1, encoding
	}
	segments, used := 1, 0
	for _, r := range text {
		c := cost(r)
		if used+c > multi {
			segments, used = segments+1, 0
		}
		used += c
	}
	return segments, encoding
}

// segmentNote is how a count is shown: "3 SMS segments (GSM-7)".
func segmentNote(n int, encoding string) string {
	if n == 1 {
		return fmt.Sprintf("1 SMS segment (%s)", encoding)
	}
	return fmt.Sprintf("%d SMS segments (%s)", n, encoding)
}
