package httpapi

import "net/http"

// markRead (POST) and markUnread (DELETE) on …/conversations/{id}/read
// set the caller's unread state of a conversation.
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
	if err := s.deps.Conversations.MarkRead(r.Context(), Principal(r), id, read); err != nil {
		return err
	}
	noContent(w)
	return nil
}
