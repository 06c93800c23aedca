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
// for the index to intersect. A Chinese or Japanese run counts its pairs
// of characters (knowledge.QueryWords): a sentence of up to 25.
const maxSearchWords = 24

// SearchMessages returns one page of the messages p may see whose text
// holds every word of query (each word as the start of a word of the
// text: "deliv" finds "delivery"; case and accents aside), newest first,
// in the conversations that match f (its sort and its contact search q
// aside). The index is written after each commit (NewSearchConsumer), so
// a message is found once the consumer reached it, a moment after it
// was stored.
func (s *Service) SearchMessages(ctx context.Context, p access.Principal, query string, f ListFilter, req page.Request) (page.Page[MessageHit], error) {
	sc, err := s.searchScope(p, query, f)
	if err != nil {
		return page.Page[MessageHit]{}, err
	}
	hits, args := s.hitsOf(messageIndex, sc, p, req)
	q := `SELECT ` + msgColumns + `, hit.first_name, hit.last_name, hit.phone, hit.email, hit.conversation_status FROM (` + hits + `)
		hit JOIN messages USING (id) ORDER BY id DESC`
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return page.Page[MessageHit]{}, fmt.Errorf("conversation: search messages: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (MessageHit, error) {
		var h MessageHit
		var first, last, phone, email string
		m, err := scanMessage(rows, &first, &last, &phone, &email, &h.ConversationStatus)
		h.Message = m
		h.ContactName = DisplayName(first, last, phone, email)
		h.Snippet = Snippet(m.Text, sc.words)
		return h, err
	})
	if err != nil {
		return page.Page[MessageHit]{}, fmt.Errorf("conversation: search messages: %w", err)
	}
	return page.Cut(list, req.Limit, func(h MessageHit) page.Cursor { return page.Cursor{Order: page.OrderIDDesc, ID: h.Message.ID} }), nil
}

// CommentHit is an internal comment a search found: the comment, its
// conversation's contact and channel, where the conversation stands, and
// the passage of its text around the words found.
type CommentHit struct {
	Comment            Comment       `json:"comment"`
	ContactID          int64         `json:"contact_id"`
	ContactName        string        `json:"contact_name"`
	ChannelID          int64         `json:"channel_id"`
	ConversationStatus string        `json:"conversation_status" enum:"open,snoozed,closed"`
	Snippet            []SnippetPart `json:"snippet"`
}

// SearchComments finds internal comments as SearchMessages finds
// messages: every word a prefix, newest first, in the conversations p
// may see that match f, a moment after each comment was written or
// edited (NewCommentSearchConsumer).
func (s *Service) SearchComments(ctx context.Context, p access.Principal, query string, f ListFilter, req page.Request) (page.Page[CommentHit], error) {
	sc, err := s.searchScope(p, query, f)
	if err != nil {
		return page.Page[CommentHit]{}, err
	}
	hits, args := s.hitsOf(commentIndex, sc, p, req)
	q := `SELECT ` + commentColumns + `, hit.hit_contact_id, hit.hit_channel_id, hit.first_name, hit.last_name, hit.phone, hit.email, hit.conversation_status
		FROM (` + hits + `) hit JOIN comments USING (id) ORDER BY id DESC`
	rows, err := s.db.Reader().Query(ctx, q, args...)
	if err != nil {
		return page.Page[CommentHit]{}, fmt.Errorf("conversation: search comments: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (CommentHit, error) {
		var h CommentHit
		var first, last, phone, email string
		c, err := scanComment(withMore{rows, []any{&h.ContactID, &h.ChannelID, &first, &last, &phone, &email, &h.ConversationStatus}})
		h.Comment = c
		h.ContactName = DisplayName(first, last, phone, email)
		h.Snippet = Snippet(c.Text, sc.words)
		return h, err
	})
	if err != nil {
		return page.Page[CommentHit]{}, fmt.Errorf("conversation: search comments: %w", err)
	}
	return page.Cut(list, req.Limit, func(h CommentHit) page.Cursor { return page.Cursor{Order: page.OrderIDDesc, ID: h.Comment.ID} }), nil
}

// withMore scans a row's first columns as its wrapped scanner's caller
// asks, and the rest into more: a row of a type's columns and a few of
// its own.
type withMore struct {
	rows interface{ Scan(...any) error }
	more []any
}

func (w withMore) Scan(dst ...any) error { return w.rows.Scan(append(dst, w.more...)...) }

// searchScope is what a search looks for and where: its words, and the
// conversations of the list's filter (its sort and contact search aside)
// that p may see.
type searchScope struct {
	words []string
	where string
	args  []any
}

func (s *Service) searchScope(p access.Principal, query string, f ListFilter) (searchScope, error) {
	words, err := searchWords(query)
	if err != nil {
		return searchScope{}, err
	}
	f.Sort, f.Q = "", ""
	if err := f.Validate(); err != nil {
		return searchScope{}, err
	}
	f.now = s.db.Now()
	where, args, err := f.where(p)
	return searchScope{words: words, where: where, args: args}, err
}

// hitsOf is the query of one page of ix's hits, newest first (the index
// drives), and its arguments: each hit's id and its conversation's
// contact (id, names), channel and status, named apart from the rows'
// own columns, which the caller joins by id.
func (s *Service) hitsOf(ix textIndex, sc searchScope, p access.Principal, req page.Request) (string, []any) {
	from, hitID, match, matchArg := ix.table+` s JOIN `+ix.source+` r ON r.id = s.rowid`, "s.rowid", ix.table+` MATCH ?`, any(ftsMatch(sc.words))
	if s.db.Dialect == db.Postgres {
		from, hitID, match, matchArg = ix.table+` s JOIN `+ix.source+` r ON r.id = s.`+ix.key, "s."+ix.key,
			`s.terms @@ to_tsquery('simple', ?)`, tsPrefixQuery(sc.words)
	}
	after, afterArgs := req.ByID(hitID, true)
	q := `SELECT ` + hitID + ` AS id, c.contact_id AS hit_contact_id, c.channel_id AS hit_channel_id, pc.first_name, pc.last_name, COALESCE(pc.phone, '') AS phone,
			COALESCE(pc.email, '') AS email, c.status AS conversation_status
		FROM ` + from + ` JOIN conversations c ON c.id = r.conversation_id LEFT JOIN contacts pc ON pc.id = c.contact_id
		WHERE ` + match + ` AND r.workspace_id = ? AND ` + sc.where + ` AND ` + after + `
		ORDER BY ` + hitID + ` DESC LIMIT ?`
	return q, append(append(append([]any{matchArg, p.WorkspaceID}, sc.args...), afterArgs...), req.Fetch())
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
	words := knowledge.QueryWords(query)
	if len(words) == 0 {
		return nil, apperr.BadRequest("query parameter q must hold a word to search for (letters or digits)")
	}
	if len(words) > maxSearchWords {
		return nil, apperr.BadRequest("query parameter q may hold at most %d words (in Chinese or Japanese, each two characters side by side count as one)", maxSearchWords)
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
