package httpapi

import (
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/broadcast"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
)

// broadcastCursor keys both of the broadcasts' lists by id: the
// broadcasts newest first, a broadcast's recipients by contact id.
func broadcastCursor(id int64) paging.Cursor { return paging.Cursor{Order: paging.OrderID, ID: id} }

func (s *Server) listBroadcasts(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	var before int64
	if req.After != nil {
		before = req.After.ID
	}
	list, err := s.deps.Broadcasts.List(r.Context(), Principal(r), before, req.Fetch())
	if err != nil {
		return err
	}
	return writeList(w, paging.Cut(list, req.Limit, func(b broadcast.Broadcast) paging.Cursor { return broadcastCursor(b.ID) }))
}

func (s *Server) getBroadcast(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	b, err := s.deps.Broadcasts.Get(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) createBroadcast(w http.ResponseWriter, r *http.Request) error {
	var in broadcast.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	b, err := s.deps.Broadcasts.Create(r.Context(), Principal(r), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) updateBroadcast(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	var in broadcast.Input
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	b, err := s.deps.Broadcasts.Update(r.Context(), Principal(r), id, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) deleteBroadcast(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	if err := s.deps.Broadcasts.Delete(r.Context(), Principal(r), id); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// sendBroadcastInput says when: now when scheduled_at is left out.
type sendBroadcastInput struct {
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
}

func (s *Server) sendBroadcast(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	var in sendBroadcastInput
	if err := httpjson.DecodeOptional(w, r, &in); err != nil {
		return err
	}
	b, err := s.deps.Broadcasts.Send(r.Context(), Principal(r), id, in.ScheduledAt)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) cancelBroadcast(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	b, err := s.deps.Broadcasts.Cancel(r.Context(), Principal(r), id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, b)
	return nil
}

// audienceInput is a broadcast's reach to estimate.
type audienceInput struct {
	ChannelID int64              `json:"channel_id"`
	Audience  broadcast.Audience `json:"audience"`
}

// audienceCount is how many contacts an audience holds now.
type audienceCount struct {
	Count int `json:"count"`
}

func (s *Server) estimateBroadcast(w http.ResponseWriter, r *http.Request) error {
	var in audienceInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.deps.Broadcasts.Estimate(r.Context(), Principal(r), in.ChannelID, in.Audience)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, audienceCount{Count: n})
	return nil
}

func (s *Server) listBroadcastRecipients(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "broadcastID")
	if err != nil {
		return err
	}
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	var after int64
	if req.After != nil {
		after = req.After.ID
	}
	list, err := s.deps.Broadcasts.Recipients(r.Context(), Principal(r), id, r.URL.Query().Get("status"), after, req.Fetch())
	if err != nil {
		return err
	}
	return writeList(w, paging.Cut(list, req.Limit, func(rc broadcast.Recipient) paging.Cursor { return broadcastCursor(rc.ContactID) }))
}

// contactBroadcastsShown is how many of a contact's broadcasts their
// panel lists: the latest are the ones an answer is about.
const contactBroadcastsShown = 10

// contactBroadcasts lists the broadcasts a contact the caller may see
// received, newest first.
func (s *Server) contactBroadcasts(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "contactID")
	if err != nil {
		return err
	}
	p := Principal(r)
	if _, err := s.deps.Contacts.Get(r.Context(), p, id); err != nil {
		return err
	}
	list, err := s.deps.Broadcasts.ForContact(r.Context(), p, id, contactBroadcastsShown)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, whole(list))
	return nil
}
