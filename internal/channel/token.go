package channel

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
)

// ByToken returns the channel of type typ whose token is token, for a
// webhook URL that does not name its channel: the token says which it is,
// and is checked before the request's body is read. Any miss is
// apperr.Unauthorized.
//
// Which channel a token belongs to is found by the token's digest
// (token_digest) and remembered; the channel itself comes from Lookup,
// and its token is compared in constant time as a provider does for a
// URL that names the channel. After a rotation on this node the old
// token's entry fails that comparison at once; on another node, once its
// cached channel is older than cacheTTL.
func (s *Service) ByToken(ctx context.Context, typ, token string) (Channel, error) {
	if token == "" {
		return Channel{}, apperr.Unauthorized("missing bearer token")
	}
	sum := sha256.Sum256([]byte(token))
	id, known := s.tokens.Load(sum)
	if !known {
		var found int64
		err := s.db.Reader().QueryRow(ctx, `SELECT id FROM channels WHERE token_digest = ? AND type = ?`, digest(token), typ).Scan(&found)
		if errors.Is(err, sql.ErrNoRows) {
			return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
		}
		if err != nil {
			return Channel{}, fmt.Errorf("channel: by token: %w", err)
		}
		id = found
	}
	c, err := s.Lookup(ctx, id.(int64))
	if apperr.KindOf(err) == apperr.KindNotFound {
		s.tokens.Delete(sum)
		return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
	}
	if err != nil {
		return Channel{}, err
	}
	if c.Type != typ || !SameToken(token, c.Token) {
		s.tokens.Delete(sum)
		return Channel{}, apperr.Unauthorized("the bearer token is not a " + typ + " channel's token")
	}
	if !known {
		s.tokens.Store(sum, c.ID)
	}
	return c, nil
}

// SameToken compares a presented token with a channel's in constant time;
// comparing digests keeps even the token's length from leaking.
func SameToken(presented, token string) bool {
	got := sha256.Sum256([]byte(presented))
	want := sha256.Sum256([]byte(token))
	return token != "" && subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// RotateToken gives the channel a new webhook token and returns the
// channel holding it; the new token is not shown again. The old one stops
// working at once on this node and within cacheTTL on the others. A
// Connector's channel is registered again with the new token (its
// Connection says how that went): Telegram's secret token is known to
// Switchboard and Telegram alone, so nobody else could hand it over, and
// until setWebhook names the new one every update would be refused.
func (s *Service) RotateToken(ctx context.Context, workspaceID, id int64) (Channel, error) {
	var c Channel
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		cur, err := s.lockChannel(ctx, tx, workspaceID, id)
		if err != nil {
			return err
		}
		c = cur
		c.Token = newToken()
		return s.writeSecrets(ctx, tx, c)
	})
	if apperr.KindOf(err) != "" {
		return Channel{}, err
	}
	if err != nil {
		return Channel{}, fmt.Errorf("channel: rotate token: %w", err)
	}
	s.cache.Delete(id)
	c.Secrets = hints(c)
	c.Connection = s.connect(ctx, c)
	return c, nil
}
