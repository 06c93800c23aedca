package assist

import (
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/ai"
	"github.com/switchboard-chat/switchboard/internal/conversation"
)

// A section's markers survive the redaction the AI client applies to the
// whole user message, whatever the random tag: a tag of hex digits could
// hold seven digits in a row, which ai.Redact took for a phone number.
func TestSectionMarkersSurviveRedaction(t *testing.T) {
	tags := [][]byte{
		{0x12, 0x34, 0x56, 0x78, 0x90, 0x12}, // "123456789012" in hex
		{0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{0x4b, 0x11, 0x98, 0x76, 0x54, 0x3a},
	}
	seen := map[string]bool{}
	for _, raw := range tags {
		s := &sections{tag: sectionTag(raw)}
		s.add("CONVERSATION", "Customer: call me on +44 20 7946 0958")
		got := ai.Redact(s.String())
		if !strings.Contains(got, "<<<CONVERSATION "+s.tag+">>>") || !strings.Contains(got, "<<<END CONVERSATION "+s.tag+">>>") {
			t.Errorf("tag %x: the markers did not survive redaction: %q", raw, got)
		}
		if !strings.Contains(got, ai.RedactedPhone) {
			t.Errorf("tag %x: the body's phone number was not redacted: %q", raw, got)
		}
		seen[s.tag] = true
	}
	if len(seen) != len(tags) {
		t.Errorf("%d distinct tags for %d distinct random values", len(seen), len(tags))
	}
	for range 1000 {
		s := newSections()
		if len(s.tag) != 12 || strings.ContainsAny(s.tag, "0123456789") {
			t.Fatalf("tag %q: want 12 letters, no digits", s.tag)
		}
	}
}

// The transcript's bound is in characters, like every bound of a prompt:
// a conversation in Russian or Chinese keeps as many of its last messages
// as one in English of the same length, not a half or a third (their
// letters take two and three bytes in UTF-8).
func TestTranscriptBoundCountsCharactersNotBytes(t *testing.T) {
	kept := func(letter string) int {
		msgs := make([]conversation.Message, maxMessages)
		for i := range msgs {
			msgs[i] = conversation.Message{Direction: "in", Type: "text", Text: strings.Repeat(letter, 500)}
		}
		return strings.Count(transcript(msgs), "Customer: ")
	}
	latin := kept("a")
	if latin < 20 || latin == maxMessages {
		t.Fatalf("%d of %d Latin messages kept: the test no longer reaches the bound", latin, maxMessages)
	}
	for _, letter := range []string{"ж", "中"} {
		if got := kept(letter); got != latin {
			t.Errorf("messages of %q: %d kept, want %d as for Latin text of the same length", letter, got, latin)
		}
	}
}
