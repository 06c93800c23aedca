package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/live"
)

// markRead (POST) and markUnread (DELETE) on …/conversations/{id}/read
// set the caller's unread state of a conversation; a person's read tells
// the contact too, where the channel can (Deps.Signs, the widget).
func (s *Server) markRead(w http.ResponseWriter, r *http.Request) error {
	return s.setRead(w, r, true)
}

func (s *Server) markUnread(w http.ResponseWriter, r *http.Request) error {
	return s.setRead(w, r, false)
}

func (s *Server) setRead(w http.ResponseWriter, r *http.Request, read bool) error {
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	p := Principal(r)
	conv, err := s.deps.Conversations.MarkRead(r.Context(), p, id, read)
	if err != nil {
		return err
	}
	if read {
		// A person has it in view: the contact may be told, by their
		// channel (Signs) or, on the widget, by its visitor's socket
		// (which hears the hub on every node).
		if s.deps.Signs != nil {
			s.deps.Signs.Read(conv)
		}
		s.live.Announce(conv.WorkspaceID, live.Notice{ConversationID: conv.ID, UserID: p.UserID, State: live.Read},
			conv.AssigneeID, conv.TeamID)
	}
	noContent(w)
	return nil
}
