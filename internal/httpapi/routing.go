package httpapi

import (
	"context"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/routing"
)

// deviceInput names the signed-in device a heartbeat or sign-out is for.
type deviceInput struct {
	DeviceID string `json:"device_id"`
}

// statusInput is the availability a user chooses.
type statusInput struct {
	Status string `json:"status"`
}

// capacityInput sets a user's capacity; null returns to the workspace default.
type capacityInput struct {
	Capacity *int `json:"capacity"`
}

// presenceUser is the user a presence call acts for: a workspace token is
// nobody's device.
func presenceUser(r *http.Request) (int64, error) {
	if id := Principal(r).UserID; id != 0 {
		return id, nil
	}
	return 0, apperr.Forbidden("a workspace token has no presence; use a user's token")
}

func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request) error {
	return s.deviceCall(w, r, s.deps.Routing.Heartbeat)
}

func (s *Server) signOutDevice(w http.ResponseWriter, r *http.Request) error {
	return s.deviceCall(w, r, s.deps.Routing.SignOut)
}

func (s *Server) deviceCall(w http.ResponseWriter, r *http.Request, call func(ctx context.Context, ws, user int64, device string) (routing.Presence, error)) error {
	user, err := presenceUser(r)
	if err != nil {
		return err
	}
	var in deviceInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	p, err := call(r.Context(), Principal(r).WorkspaceID, user, in.DeviceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) setPresenceStatus(w http.ResponseWriter, r *http.Request) error {
	user, err := presenceUser(r)
	if err != nil {
		return err
	}
	var in statusInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	p, err := s.deps.Routing.SetStatus(r.Context(), Principal(r).WorkspaceID, user, in.Status)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) listPresence(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Routing.Presences(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) setUserCapacity(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "userID")
	if err != nil {
		return err
	}
	var in capacityInput
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	ws := Principal(r).WorkspaceID
	if err := s.deps.Routing.SetCapacity(r.Context(), ws, id, in.Capacity); err != nil {
		return err
	}
	p, err := s.deps.Routing.Presence(r.Context(), ws, id)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) getRoutingSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.deps.Routing.Settings(r.Context(), Principal(r).WorkspaceID)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) updateRoutingSettings(w http.ResponseWriter, r *http.Request) error {
	var in routing.SettingsUpdate
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.deps.Routing.UpdateSettings(r.Context(), Principal(r).WorkspaceID, in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) listQueues(w http.ResponseWriter, r *http.Request) error {
	qs, err := s.deps.Routing.Queues(r.Context(), Principal(r))
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, page[routing.Queue]{Data: qs})
	return nil
}

// routeConversation assigns by target and strategy, queues, or unassigns.
// Assigning a named user above capacity needs force (409 otherwise).
func (s *Server) routeConversation(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	id, err := PathID(r, "conversationID")
	if err != nil {
		return err
	}
	var in routing.Request
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	// Only a conversation the caller may see can be routed.
	if _, err := s.deps.Conversations.Get(r.Context(), p, id); err != nil {
		return err
	}
	in.WorkspaceID, in.ConversationID, in.Source, in.ByUserID = p.WorkspaceID, id, source(p), p.UserID
	res, err := s.deps.Routing.Assign(r.Context(), in)
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusOK, res)
	return nil
}
