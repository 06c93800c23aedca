package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// redact hides a channel's token from callers who may not manage
// channels: the token lets anyone post messages as the channel.
func redact(p workspace.Principal, c channel.Channel) channel.Channel {
	if !isManager(p) {
		c.Token = ""
	}
	return c
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	list, err := s.deps.Channels.List(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = redact(p, list[i])
	}
	pg, err := pageOf(r, list, func(c channel.Channel) int64 { return c.ID })
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var in channel.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Channels.Create(r.Context(), p.WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, redact(p, c))
	return nil
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	c, err := s.deps.Channels.Get(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, redact(p, c))
	return nil
}

// updateChannel renames a channel or replaces its configuration; its type
// and token stay.
func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	var in channel.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Channels.Update(r.Context(), p.WorkspaceID, id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, redact(p, c))
	return nil
}
