package media

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// A file is referenced by the records that name it, and goes when none
// does (see release.go). What names files, in link tables so that they
// are found with an index read (migration 057):
//
//   - a message's content (any version of it): an attachment's media_id
//     (the composer's, the widget's, a fetched inbound attachment's), an
//     email's raw_media_id, or a fetch URL …/media/{id}/{key} (a
//     workflow's attachment, sent by URL); the message_media table holds
//     the pairs, written with the message (conversation.linkMediaLater);
//   - a workflow's draft or version (a Send a Message attachment's URL):
//     the workflow_media table, made the files they name at each save
//     and publish (workflow.syncMediaTx).
//
// Snippets, knowledge sources and AI agents hold text only, and contacts'
// avatars are provider URLs: none names a stored file.

// maxRefs bounds the files one message is linked to: a message carries
// at most MaxAttachments uploaded files and MaxMedia fetched ones, and a
// content crafted to name thousands must not turn into thousands of rows.
// A workflow, which may attach many more, sets its own (IDsInUpTo).
const maxRefs = 64

// IDsIn returns the ids of the stored files a JSON document (a message's
// content, a workflow's definition) names, sorted and each once: the
// string value of a member named media_id or raw_media_id, and the id in
// a fetch URL (a string holding "/media/" then an id). A value that is
// not an id is not one; a document that is not JSON names none. The
// backfill of migration 057 reads the same places.
func IDsIn(doc []byte) []string { return IDsInUpTo(doc, maxRefs) }

// IDsInUpTo is IDsIn keeping at most the first most ids (sorted).
func IDsInUpTo(doc []byte, most int) []string {
	// The receive path calls it for every message: most (text) name no
	// file and are not parsed.
	if !bytes.Contains(doc, []byte("media")) {
		return nil
	}
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	var ids []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk("", e)
			}
		case string:
			if key == "media_id" || key == "raw_media_id" {
				if validID(x, 32) {
					ids = append(ids, x)
				}
				return
			}
			for rest := x; ; {
				i := strings.Index(rest, "/media/")
				if i < 0 {
					break
				}
				rest = rest[i+len("/media/"):]
				if len(rest) >= 32 && validID(rest[:32], 32) {
					ids = append(ids, rest[:32])
				}
			}
		}
	}
	walk("", v)
	slices.Sort(ids) // maps walk in no order: sorted, the cut below is stable
	ids = slices.Compact(ids)
	return ids[:min(len(ids), most)]
}
