package conversation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/knowledge"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// MessageHit is a message a search found: the message, who it is with,
// where its conversation stands, and the passage of its text around the
// words found.
type MessageHit struct {
	Message            Message       `json:"message"`
	ContactName        string        `json:"contact_name"`
	ConversationStatus string        `json:"conversation_status" enum:"open,snoozed,closed"`
	Snippet            []SnippetPart `json:"snippet"`
}

// SnippetPart is a piece of a hit's passage; Match marks the words the
// search found, for the reader's eye.
type SnippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// maxSearchWords bounds the words of a query: each is one more doclist
// for the index to intersect.
const maxSearchWords = 10

// SearchMessages returns one page of the messages p may see whose text
// holds every word of query (each word as the start of a word of the
// text: "deliv" finds "delivery"; case and accents aside), newest first,
// in the conversations that match f (its sort and its contact search q
// aside). The index is written after each commit (NewSearchConsumer), so
// a message is found once the consumer reached it, a moment after it
// was stored.
func (s *Service) SearchMessages(ctx context.Context, p access.Principal, query string, f ListFilter, req page.Request) (page.Page[MessageHit], error) {
	words, err := searchWords(query)
	if err != nil {
		return page.Page[MessageHit]{}, err
	}
	f.Sort, f.Q = "", ""
	if err := f.Validate(); err != nil {
		return page.Page[MessageHit]{}, err
	}
	f.now = s.db.Now()
	where, args, err := f.where(p)
	if err != nil {
		return page.Page[MessageHit]{}, err
	}
	from, hitID, match, matchArg := `message_search s JOIN messages m ON m.id = s.rowid`, "s.rowid", `message_search MATCH ?`, ftsMatch(words)
	if s.db.Dialect == db.Postgres {
		from, hitID, match, matchArg = `message_search s JOIN messages m ON m.id = s.message_id`, "s.message_id",
			`s.terms @@ to_tsquery('simple', ?)`, tsPrefixQuery(words)
	}
	after, afterArgs := req.ByID(hitID, true)
	// The hits' ids first (the index drives, newest first), then their
	// rows: the hit's columns are named apart from messages' own.
	q := `SELECT ` + msgColumns + `, hit.first_name, hit.last_name, hit.phone, hit.email, hit.conversation_status FROM (
		SELECT ` + hitID + ` AS id, pc.first_name, pc.last_name, COALESCE(pc.phone, '') AS phone, COALESCE(pc.email, '') AS email,
			c.status AS conversation_status
		FROM ` + from + ` JOIN conversations c ON c.id = m.conversation_id LEFT JOIN contacts pc ON pc.id = c.contact_id
		WHERE ` + match + ` AND m.workspace_id = ? AND ` + where + ` AND ` + after + `
		ORDER BY ` + hitID + ` DESC LIMIT ?) hit JOIN messages USING (id) ORDER BY id DESC`
	all := append(append(append([]any{matchArg, p.WorkspaceID}, args...), afterArgs...), req.Fetch())
	rows, err := s.db.Reader().Query(ctx, q, all...)
	if err != nil {
		return page.Page[MessageHit]{}, fmt.Errorf("conversation: search messages: %w", err)
	}
	hits, err := db.Collect(rows, func(rows *sql.Rows) (MessageHit, error) {
		var h MessageHit
		var first, last, phone, email string
		m, err := scanMessage(rows, &first, &last, &phone, &email, &h.ConversationStatus)
		h.Message = m
		h.ContactName = DisplayName(first, last, phone, email)
		h.Snippet = Snippet(m.Text, words)
		return h, err
	})
	if err != nil {
		return page.Page[MessageHit]{}, fmt.Errorf("conversation: search messages: %w", err)
	}
	return page.Cut(hits, req.Limit, func(h MessageHit) page.Cursor { return page.Cursor{Order: page.OrderIDDesc, ID: h.Message.ID} }), nil
}

// searchWords are the words of a query, folded as the index folds them;
// a query without any is a 400.
func searchWords(query string) ([]string, error) {
	if strings.TrimSpace(query) == "" {
		return nil, apperr.BadRequest("query parameter q is required: the words to find")
	}
	if err := limit.Param("q", query, limit.Search); err != nil {
		return nil, err
	}
	words := knowledge.Words(query)
	if len(words) == 0 {
		return nil, apperr.BadRequest("query parameter q must hold a word to search for (letters or digits)")
	}
	if len(words) > maxSearchWords {
		return nil, apperr.BadRequest("query parameter q may hold at most %d words", maxSearchWords)
	}
	return words, nil
}

// ftsMatch is an FTS5 query for every word as a prefix. Words are letters
// and digits only, so quoting them needs no escape.
func ftsMatch(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"*`
	}
	return strings.Join(parts, " ")
}

// tsPrefixQuery is the same query for PostgreSQL's to_tsquery.
func tsPrefixQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + w + "':*"
	}
	return strings.Join(parts, " & ")
}
