package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/channel"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// A channel's secrets never leave the server in its JSON: channel.Channel
// encodes only hints of them. The webhook token is shown once, in
// channelWithToken, when it is made: on create and on rotation.

// channelWithToken is a channel with its new webhook token, answered
// once, to managers.
type channelWithToken struct {
	channel.Channel
	Token string `json:"token"`
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Channels.List(r.Context(), p.WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
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
	httpjson.WriteJSON(w, http.StatusCreated, channelWithToken{Channel: c, Token: c.Token})
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
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// updateChannel renames a channel or replaces its configuration; its type
// and token stay, and so do secret fields the new configuration leaves out.
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
	httpjson.WriteJSON(w, http.StatusOK, c)
	return nil
}

// rotateChannelToken gives the channel a new webhook token, answered this
// once; the old one stops working.
func (s *Server) rotateChannelToken(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	c, err := s.deps.Channels.RotateToken(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, channelWithToken{Channel: c, Token: c.Token})
	return nil
}

// channelType is what the API tells of a channel type.
type channelType struct {
	Type         string               `json:"type"`
	Schema       channel.Schema       `json:"schema"`
	Capabilities channel.Capabilities `json:"capabilities"`
	Testable     bool                 `json:"testable"` // has a connection test
	Connects     bool                 `json:"connects"` // registers its webhook with the provider on save
	// AddressedBy is "phone" or "email" when a conversation may be
	// started on such a channel with a contact who never wrote on it,
	// by that field of theirs (channel.Addresser); absent otherwise.
	AddressedBy string `json:"addressed_by,omitempty"`
}

// listChannelTypes lists the channel types the node knows, with their
// configuration schemas (secrets marked) and capabilities.
func (s *Server) listChannelTypes(w http.ResponseWriter, r *http.Request) error {
	reg := s.deps.Channels.Registry()
	out := []channelType{}
	for _, typ := range reg.Types() {
		p, _ := reg.Provider(typ)
		_, testable := p.(channel.Prober)
		_, connects := p.(channel.Connector)
		ct := channelType{Type: typ, Schema: p.Schema(), Capabilities: p.Capabilities(), Testable: testable, Connects: connects}
		if a, ok := p.(channel.Addresser); ok {
			ct.AddressedBy = a.AddressedBy()
		}
		out = append(out, ct)
	}
	httpjson.WriteJSON(w, http.StatusOK, channelTypes{Items: out})
	return nil
}

// channelTypes is the answer of listChannelTypes.
type channelTypes struct {
	Items []channelType `json:"items"`
}

// connectChannel registers a channel's webhook with its provider again.
func (s *Server) connectChannel(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "channelID")
	if err != nil {
		return err
	}
	res, err := s.deps.Channels.Connect(r.Context(), Principal(r).WorkspaceID, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}
