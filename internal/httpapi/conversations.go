package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/routing"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// page is the envelope of every list: the items and the cursor of the next
// page ("" when this is the last).
type page[T any] = paging.Page[T]

// source says how the caller appears in events: a user acts as "user", a
// workspace integration token as "api".
func source(p workspace.Principal) string {
	if p.UserID != 0 {
		return conversation.SourceUser
	}
	return conversation.SourceAPI
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) error {
	f, req, err := conversationQuery(r)
	if err != nil {
		return err
	}
	return s.writeConversations(w, r, f, req)
}

// writeConversations answers the page of the conversations f keeps, each
// with its contact's rating when they gave one (the inbox shows it).
func (s *Server) writeConversations(w http.ResponseWriter, r *http.Request, f conversation.ListFilter, req paging.Request) error {
	pg, err := s.deps.Conversations.List(r.Context(), Principal(r), f, req)
	if err != nil {
		return err
	}
	if err := s.satisfaction().Attach(r.Context(), Principal(r).WorkspaceID, pg.Data); err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
}

// conversationQuery reads a conversation list's filter, sort and page.
func conversationQuery(r *http.Request) (conversation.ListFilter, paging.Request, error) {
	f, err := conversation.ParseFilter(r.URL.Query())
	if err != nil {
		return f, paging.Request{}, err
	}
	sort := f.Sort
	if sort == "" {
		sort = conversation.SortNewest
	}
	req, err := paging.Parse(r.URL.Query(), sort)
	return f, req, err
}

func (s *Server) openConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var in conversation.OpenInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	in.Source, in.UserID = source(p), p.UserID
	restricted := !p.Unrestricted() && s.deps.Routing != nil
	if restricted {
		// A restricted user sees a conversation assigned to them or
		// unassigned in their teams, and a contact through its
		// conversations: the one they open is theirs, or it and its
		// contact would vanish from them at once. A named assignment,
		// so capacity holds (409 at capacity, and nothing is opened).
		in.Then = func(ctx context.Context, tx *db.Tx, c conversation.Conversation) error {
			res, err := s.deps.Routing.AssignTx(ctx, tx, routing.Request{WorkspaceID: p.WorkspaceID, ConversationID: c.ID,
				Target: routing.TargetUser, UserID: p.UserID, Source: in.Source, ByUserID: p.UserID})
			if err == nil && !res.Assigned {
				err = apperr.Conflict("you cannot take this conversation: %s", res.Reason.Summary)
			}
			return err
		}
	}
	c, err := s.deps.Conversations.Open(r.Context(), p, in)
	if err != nil {
		return err
	}
	if restricted {
		// As the assignment left it.
		if c, err = s.deps.Conversations.Get(r.Context(), access.System(p.WorkspaceID), c.ID); err != nil {
			return err
		}
	}
	httpjson.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	c, err := s.deps.Conversations.Get(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	if c.ReplyWindow, err = s.deps.Conversations.ReplyWindow(r.Context(), c); err != nil {
		return err
	}
	one := []conversation.Conversation{c}
	if err := s.satisfaction().Attach(r.Context(), c.WorkspaceID, one); err != nil {
		return err
	}
	c = one[0]
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) closeConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in conversation.CloseInput
	if err := httpjson.DecodeOptional(w, r, &in); err != nil {
		return err
	}
	in.Source, in.UserID = source(p), p.UserID
	c, err := s.deps.Conversations.Close(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) assignConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in manualAssignment
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.assign(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// assign assigns a conversation the caller may see, as they asked.
func (s *Server) assign(ctx context.Context, p access.Principal, id int64, in manualAssignment) (conversation.Conversation, error) {
	// Only a conversation the caller may see can be assigned; what it
	// becomes is shown to them, whoever it went to.
	if _, err := s.deps.Conversations.Get(ctx, p, id); err != nil {
		return conversation.Conversation{}, err
	}
	// Through routing, so capacity holds: a user at capacity is a 409
	// unless force is set; a team alone joins that team's queue.
	req := routing.Request{WorkspaceID: p.WorkspaceID, ConversationID: id, Source: source(p), ByUserID: p.UserID, Force: in.Force}
	switch {
	case in.UserID != 0:
		req.Target, req.UserID, req.TeamID = routing.TargetUser, in.UserID, in.TeamID
	case in.TeamID != 0:
		req.Target, req.TeamID = routing.TargetTeam, in.TeamID
	default:
		return conversation.Conversation{}, apperr.Invalid("user_id", "an assignee or a team is required")
	}
	if _, err := s.deps.Routing.Assign(ctx, req); err != nil {
		return conversation.Conversation{}, err
	}
	return s.deps.Conversations.Get(ctx, access.System(p.WorkspaceID), id)
}

// manualAssignment is the body of POST /conversations/{id}/assign.
type manualAssignment struct {
	UserID int64 `json:"user_id"`
	TeamID int64 `json:"team_id"`
	// Force assigns the user even above their capacity.
	Force bool `json:"force"`
}

func (s *Server) unassignConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	c, err := s.deps.Conversations.Unassign(r.Context(), p, id, source(p), p.UserID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// snoozeInput is the body of a snooze: until when (RFC 3339).
type snoozeInput struct {
	Until time.Time `json:"until"`
}

func (s *Server) snoozeConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in snoozeInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Until.IsZero() {
		return apperr.Invalid("until", "is required (RFC 3339 time)")
	}
	c, err := s.deps.Conversations.Snooze(r.Context(), p, id, in.Until, p.UserID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) unsnoozeConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	c, err := s.deps.Conversations.Unsnooze(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	// ?order=desc reads the newest page first: the conversation view opens
	// on it and walks back as the agent scrolls up, where reading oldest
	// first it would need every page to reach the last message; ?after=
	// reads what was written since the newest message it shows.
	req, desc, err := timelinePage(r)
	if err != nil {
		return err
	}
	list := s.deps.Conversations.ListMessages
	if desc {
		list = s.deps.Conversations.ListMessagesNewestFirst
	}
	pg, err := list(r.Context(), Principal(r), id, req)
	if err != nil {
		return err
	}
	return writeList(w, pg)
}

// sendBody is a message to send: the domain's input and the media ids
// (POST /api/v1/media) of its attachment, whose text is the caption.
type sendBody struct {
	conversation.SendInput
	Attachments []string `json:"attachments"`
	// AIAssisted says the text came from an AI draft, rewrite or
	// translation (edited or not): the message is marked ai "draft".
	AIAssisted bool `json:"ai_assisted"`
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var body sendBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	in := body.SendInput
	if body.Attachments != nil {
		if in.Type != "" && in.Type != "attachment" {
			return apperr.Invalid("type", "must be attachment (or left out) when attachments are given")
		}
		if len(in.Content) > 0 {
			return apperr.Invalid("content", "must be left out when attachments are given")
		}
		if s.deps.Media == nil {
			return apperr.Invalid("attachments", "this node stores no media")
		}
		if in.Content, err = s.deps.Media.Content(r.Context(), p.WorkspaceID, body.Attachments, s.deps.PublicURL); err != nil {
			return err
		}
		in.Type = "attachment"
	}
	in.Sender, in.UserID = source(p), p.UserID
	if body.AIAssisted {
		in.AI = conversation.AIDraft
	}
	m, err := s.deps.Conversations.Send(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusAccepted, m)
	return nil
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "messageID")
	if err != nil {
		return err
	}
	m, err := s.deps.Conversations.GetMessage(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) retryMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "messageID")
	if err != nil {
		return err
	}
	m, err := s.deps.Conversations.Retry(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	req, desc, err := timelinePage(r)
	if err != nil {
		return err
	}
	read := s.deps.Conversations.ListComments
	if desc {
		read = s.deps.Conversations.ListCommentsNewestFirst
	}
	list, err := read(r.Context(), Principal(r), id, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

// commentPath reads the conversation and comment ids of a comment's path.
func commentPath(r *http.Request) (conversationID, commentID int64, err error) {
	if conversationID, err = PathID(r, "conversationID"); err == nil {
		commentID, err = PathID(r, "commentID")
	}
	return conversationID, commentID, err
}

func (s *Server) getComment(w http.ResponseWriter, r *http.Request) error {
	conv, id, err := commentPath(r)
	if err != nil {
		return err
	}
	c, err := s.deps.Conversations.GetComment(r.Context(), Principal(r), conv, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) error {
	conv, id, err := commentPath(r)
	if err != nil {
		return err
	}
	var in conversation.CommentInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Conversations.EditComment(r.Context(), Principal(r), conv, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteComment(w http.ResponseWriter, r *http.Request) error {
	conv, id, err := commentPath(r)
	if err != nil {
		return err
	}
	if err := s.deps.Conversations.DeleteComment(r.Context(), Principal(r), conv, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in conversation.CommentInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	in.UserID = p.UserID
	c, err := s.deps.Conversations.AddComment(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, c)
	return nil
}
