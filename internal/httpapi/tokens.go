package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/httpjson"
	paging "github.com/switchboard-chat/switchboard/internal/page"
	"github.com/switchboard-chat/switchboard/internal/workspace"
)

// newAPIToken creates an API token. A token with a user acts with that
// user's role; without one it is a workspace integration acting as an
// owner.
type newAPIToken struct {
	Name      string `json:"name"`
	UserID    int64  `json:"user_id"`
	ExpiresIn int64  `json:"expires_in"` // seconds; 0 never expires
	// Scopes limit the token: read_only, and/or the areas contacts,
	// conversations, workflows; none is full access.
	Scopes []string `json:"scopes"`
}

// createdToken is a new token with its secret, shown this once: only its
// hash is stored.
type createdToken struct {
	workspace.Token
	Secret string `json:"secret"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	req, err := pageRequest(r, paging.OrderID)
	if err != nil {
		return err
	}
	list, err := s.deps.Workspaces.ListTokens(r.Context(), Principal(r).WorkspaceID, req)
	if err != nil {
		return err
	}
	return writeList(w, list)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	var in newAPIToken
	if err := httpjson.Decode(w, r, &in); err != nil {
		return err
	}
	if in.ExpiresIn < 0 || in.ExpiresIn > 10*365*24*3600 {
		return apperr.Invalid("expires_in", "must be between 0 (never) and ten years, in seconds")
	}
	if in.UserID != 0 {
		// The domain does not check that the user is in this workspace; a
		// token of another workspace's user would act across tenants.
		if _, err := s.deps.Workspaces.GetUser(r.Context(), p.WorkspaceID, in.UserID); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return apperr.Invalid("user_id", "no user %d in this workspace", in.UserID)
			}
			return err
		}
	}
	t, secret, err := s.deps.Workspaces.CreateToken(r.Context(), p.WorkspaceID, workspace.NewToken{
		Name: in.Name, Kind: "api", UserID: in.UserID, TTL: time.Duration(in.ExpiresIn) * time.Second, Scopes: in.Scopes})
	if err != nil {
		return err
	}
	httpjson.WriteJSON(w, http.StatusCreated, createdToken{Token: t, Secret: secret})
	return nil
}

// deleteToken revokes a token: requests using it fail from then on.
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := PathID(r, "tokenID")
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.RevokeToken(r.Context(), Principal(r).WorkspaceID, id); err != nil {
		return err
	}
	noContent(w)
	return nil
}
