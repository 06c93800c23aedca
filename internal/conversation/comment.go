package conversation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/event"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/page"
)

// Comment is an internal note on a conversation, never sent to the contact.
type Comment struct {
	ID             int64     `json:"id"`
	ConversationID int64     `json:"conversation_id"`
	UserID         int64     `json:"user_id,omitempty"`
	Text           string    `json:"text"`
	Mentions       []int64   `json:"mentions"`
	CreatedAt      time.Time `json:"created_at"`
	// EditedAt is when its author last rewrote it; absent if never.
	EditedAt time.Time `json:"edited_at,omitzero"`
}

// commentColumns are the columns scanComment reads, in its order.
const commentColumns = `id, conversation_id, COALESCE(user_id, 0), text, mentions, created_at, edited_at`

// scanComment reads a row of commentColumns.
func scanComment(row interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var mentions string
	var created, edited int64
	if err := row.Scan(&c.ID, &c.ConversationID, &c.UserID, &c.Text, &mentions, &created, &edited); err != nil {
		return c, err
	}
	json.Unmarshal([]byte(mentions), &c.Mentions)
	if c.Mentions == nil {
		c.Mentions = []int64{}
	}
	c.CreatedAt = db.Time(created)
	if edited != 0 {
		c.EditedAt = db.Time(edited)
	}
	return c, nil
}

// CommentInput adds a comment. Users are mentioned by writing @ and their
// email in the text (e.g. "@ana@example.com can you look?") or by listing
// their ids.
type CommentInput struct {
	Text     string  `json:"text"`
	Mentions []int64 `json:"mentions"`
	UserID   int64   `json:"-"`
}

// mentionRe finds "@" and an email: any address sign-up takes (its local
// part of RFC 5322's atext and dots, non-ASCII letters included; its
// domain of labels that begin and end with a letter or digit, one label or
// more), so a member whose address holds an apostrophe, an accent, a
// punycode or a one-label domain can be mentioned too. What may end a
// sentence around it (a dot, a comma, a closing bracket, "'s") is not part
// of a domain, so it is left out.
var mentionRe = regexp.MustCompile(`@([\p{L}\p{M}\p{N}!#$%&'*+/=?^_\x60{|}~.\-]+@` + mentionLabel + `(?:\.` + mentionLabel + `)*)`)

// mentionLabel is one label of a domain: letters (any script) and digits,
// hyphens inside.
const mentionLabel = `[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?`

// AddComment stores a comment and appends comment.created, which carries the
// mentioned user ids so notifications can reach them. On PostgreSQL it
// runs beside other writes: a comment is an insert and an event of its
// conversation, whose row it names to the committer.
func (s *Service) AddComment(ctx context.Context, p Principal, conversationID int64, in CommentInput) (Comment, error) {
	var cm Comment
	err := s.db.WriteConcurrent(db.WithRows(ctx, "conversations", conversationID), func(tx *db.Tx) error {
		if err := mayAct(ctx, tx, p, conversationID); err != nil {
			return err
		}
		var err error
		cm, err = AddCommentTx(ctx, tx, p.WorkspaceID, conversationID, in)
		return err
	})
	return cm, wrap("comment", err)
}

// AddCommentTx is AddComment inside tx.
func AddCommentTx(ctx context.Context, tx *db.Tx, workspaceID, conversationID int64, in CommentInput) (Comment, error) {
	text, err := commentText(in)
	if err != nil {
		return Comment{}, err
	}
	cm := Comment{ConversationID: conversationID, UserID: in.UserID, Text: text, CreatedAt: db.Time(tx.Now())}
	err = func() error {
		c, err := get(ctx, tx, workspaceID, conversationID)
		if err != nil {
			return err
		}
		if cm.Mentions, err = mentionsOf(ctx, tx, workspaceID, text, in.Mentions); err != nil {
			return err
		}
		js, _ := json.Marshal(cm.Mentions)
		if err := tx.QueryRow(ctx, `INSERT INTO comments (workspace_id, conversation_id, user_id, text, mentions, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			workspaceID, conversationID, nullID(in.UserID), cm.Text, string(js), db.Millis(cm.CreatedAt)).Scan(&cm.ID); err != nil {
			return fmt.Errorf("store comment: %w", err)
		}
		return appendEvent(ctx, tx, c, event.CommentCreated, map[string]any{"comment_id": cm.ID, "user_id": in.UserID, "text": cm.Text, "mentions": cm.Mentions})
	}()
	return cm, err
}

// commentText checks a comment's text and its explicit mentions, and
// returns the text trimmed.
func commentText(in CommentInput) (string, error) {
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return "", apperr.Invalid("text", "is required")
	}
	if err := limit.Text("text", text, MaxCommentLen); err != nil {
		return "", err
	}
	if len(in.Mentions) > MaxMentions {
		return "", apperr.Invalid("mentions", "holds %d users; at most %d may be mentioned", len(in.Mentions), MaxMentions)
	}
	return text, nil
}

// mentionsOf returns the users a comment mentions, ascending, once each:
// those listed (each must be of the workspace) and those whose email the
// text names after an @.
func mentionsOf(ctx context.Context, tx *db.Tx, workspaceID int64, text string, listed []int64) ([]int64, error) {
	mentions := slices.Clone(listed)
	for _, id := range mentions {
		if err := inWorkspace(ctx, tx, "users", "mentions", workspaceID, id); err != nil {
			return nil, err
		}
	}
	for _, m := range mentionRe.FindAllStringSubmatch(text, -1) {
		var id int64
		if tx.QueryRow(ctx, `SELECT u.id FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.workspace_id = ? AND lower(a.email) = ?`,
			workspaceID, strings.ToLower(m[1])).Scan(&id) == nil {
			mentions = append(mentions, id)
		}
	}
	slices.Sort(mentions)
	if mentions = slices.Compact(mentions); mentions == nil {
		mentions = []int64{}
	}
	return mentions, nil
}

// ListComments returns a page of a conversation's comments, oldest first.
func (s *Service) ListComments(ctx context.Context, p Principal, conversationID int64, req page.Request) (page.Page[Comment], error) {
	return s.listComments(ctx, p, conversationID, req, false)
}

// ListCommentsNewestFirst returns a page of a conversation's comments,
// newest first, its cursor (of page.OrderIDDesc) walking towards the
// older ones: the conversation view reads them as far back as the
// messages it shows, never a long conversation's first ones only.
func (s *Service) ListCommentsNewestFirst(ctx context.Context, p Principal, conversationID int64, req page.Request) (page.Page[Comment], error) {
	return s.listComments(ctx, p, conversationID, req, true)
}

func (s *Service) listComments(ctx context.Context, p Principal, conversationID int64, req page.Request, desc bool) (page.Page[Comment], error) {
	if _, err := s.Get(ctx, p, conversationID); err != nil {
		return page.Page[Comment]{}, err
	}
	order, dir := page.OrderID, "ASC"
	if desc {
		order, dir = page.OrderIDDesc, "DESC"
	}
	after, args := req.ByID("id", desc)
	rows, err := s.db.Reader().Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE conversation_id = ? AND `+after+` ORDER BY id `+dir+` LIMIT ?`, append(append([]any{conversationID}, args...), req.Fetch())...)
	if err != nil {
		return page.Page[Comment]{}, fmt.Errorf("conversation: list comments: %w", err)
	}
	list, err := db.Collect(rows, func(rows *sql.Rows) (Comment, error) { return scanComment(rows) })
	if err != nil {
		return page.Page[Comment]{}, fmt.Errorf("conversation: list comments: %w", err)
	}
	return page.Cut(list, req.Limit, func(c Comment) page.Cursor { return page.Cursor{Order: order, ID: c.ID} }), nil
}
