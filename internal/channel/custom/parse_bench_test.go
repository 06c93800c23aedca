package custom

import (
	"os"
	"path/filepath"
	"testing"
)

// ingestBody is the body bench/ingest posts for each message (see
// bench/harness.Body): one text message event from a contact with a first
// name, written compactly.
const ingestBody = `{"channelId":"1","contactId":"+14150000042","events":[{"type":"message","mId":"bench-42",` +
	`"timestamp":1700000000000,"message":{"type":"text","text":"hello from the benchmark"}}],"contact":{"firstName":"Bench"}}`

// BenchmarkParse measures Parse on typical bodies: the ingest benchmark's,
// and respond.io's documented sample (indented, with a full contact profile).
func BenchmarkParse(b *testing.B) {
	sample, err := os.ReadFile(filepath.Join("testdata", "payloads", "message_text.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct {
		name string
		body []byte
	}{{"ingest", []byte(ingestBody)}, {"respondio_sample", sample}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.body)))
			for b.Loop() {
				if _, err := Parse(bb.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
