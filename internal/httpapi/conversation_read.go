package httpapi

import "net/http"

// markRead (POST) and markUnread (DELETE) on …/conversations/{id}/read
// set the caller's unread state of a conversation; a person's read tells
// the contact too, where the channel can (Deps.Signs).
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
	conv, err := s.deps.Conversations.MarkRead(r.Context(), Principal(r), id, read)
	if err != nil {
		return err
	}
	if read && s.deps.Signs != nil {
		s.deps.Signs.Read(conv) // a person has it in view: the contact may be told
	}
	noContent(w)
	return nil
}
