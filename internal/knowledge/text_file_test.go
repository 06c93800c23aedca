package knowledge_test

import (
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
)

// A text file is read as an editor saves it: a UTF-8 byte order mark does
// not hide its "# " title. One holding NUL bytes is not text (a binary
// file named .txt): refused, where PostgreSQL refused to store it with a
// 500 and SQLite kept garbage.
func TestTextFileWithBOMOrNUL(t *testing.T) {
	doc, err := knowledge.Extract("care.md", []byte("\ufeff# Care guide\r\n\r\nWash at 30 °C."))
	if err != nil || doc.Title != "Care guide" || doc.Body != "Wash at 30 °C." {
		t.Errorf("markdown with a BOM: %+v, %v", doc, err)
	}
	for _, name := range []string{"data.txt", "notes.md", "README"} {
		if _, err := knowledge.Extract(name, []byte("PK\x03\x04\x00\x00 not text")); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("%s with NUL bytes: %v, want refused", name, err)
		}
	}
}
