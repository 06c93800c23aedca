package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/access"
	"github.com/switchboard-chat/switchboard/internal/channel/widget"
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
	if err := s.read(r.Context(), Principal(r), id, read); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// read marks a conversation read (or unread) for the caller.
func (s *Server) read(ctx context.Context, p access.Principal, id int64, read bool) error {
	conv, err := s.deps.Conversations.MarkRead(ctx, p, id, read)
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
		if s.onWidget(ctx, conv.ChannelID) {
			s.live.Announce(conv.WorkspaceID, live.Notice{ConversationID: conv.ID, UserID: p.UserID, State: live.Read},
				conv.AssigneeID, conv.TeamID)
		}
	}
	return nil
}

// onWidget says whether a conversation's channel is a website widget,
// whose visitor's socket is the only listener of a read notice: a read on
// any other channel would wake every live socket of the workspace, on
// every node, for nothing. The channel comes from the channels' cache.
func (s *Server) onWidget(ctx context.Context, channelID int64) bool {
	if channelID == 0 || s.deps.Channels == nil {
		return false
	}
	ch, err := s.deps.Channels.Lookup(ctx, channelID)
	return err == nil && ch.Type == widget.Type
}
