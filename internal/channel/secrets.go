package channel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// A channel's secrets live in two columns: token (the webhook token) and
// secrets (a JSON object of the secret configuration fields), each sealed
// with the node's keys (internal/secret) and bound to the row by its id.
// token_digest, the SHA-256 of the token, finds a channel by its token
// without opening every row.

// aad binds a sealed value to its channel and column.
func aad(id int64, column string) []byte {
	return []byte("channel:" + strconv.FormatInt(id, 10) + ":" + column)
}

// digest is the stored digest of a token.
func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// seal seals a value of channel id's column, or keeps it in plaintext on
// a bare service.
func (s *Service) seal(id int64, column string, plain []byte) string {
	if s.keys == nil {
		return string(plain)
	}
	return s.keys.Seal(plain, aad(id, column))
}

// unseal opens what seal stored. A plaintext value (a bare service's, or
// one stored before secrets were sealed and not yet converted) is read as
// it is.
func (s *Service) unseal(id int64, column, stored string) ([]byte, error) {
	if !secret.IsSealed(stored) {
		return []byte(stored), nil
	}
	if s.keys == nil {
		return nil, fmt.Errorf("channel %d: its %s is sealed and this service has no key", id, column)
	}
	plain, err := s.keys.Open(stored, aad(id, column))
	if err != nil {
		return nil, fmt.Errorf("channel %d: %s: %w", id, column, err)
	}
	return plain, nil
}

// writeSecrets stores c's token and secret configuration, sealed.
func (s *Service) writeSecrets(ctx context.Context, tx *db.Tx, c Channel) error {
	secrets := ""
	if len(c.SecretConfig) > 0 {
		raw, err := json.Marshal(c.SecretConfig)
		if err != nil {
			return err
		}
		secrets = s.seal(c.ID, "secrets", raw)
	}
	_, err := tx.Exec(ctx, `UPDATE channels SET token = ?, secrets = ?, token_digest = ? WHERE id = ?`,
		s.seal(c.ID, "token", []byte(c.Token)), secrets, digest(c.Token), c.ID)
	return err
}

// open fills c's Token and SecretConfig from their stored forms.
func (s *Service) open(c *Channel, token, secrets string) error {
	raw, err := s.unseal(c.ID, "token", token)
	if err != nil {
		return err
	}
	c.Token = string(raw)
	if secrets == "" {
		return nil
	}
	if raw, err = s.unseal(c.ID, "secrets", secrets); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &c.SecretConfig); err != nil {
		return fmt.Errorf("channel %d: secrets: %w", c.ID, err)
	}
	return nil
}

// split takes the secret fields of typ's schema out of a validated
// configuration: the public rest is stored as config, the secrets sealed.
func (s *Service) split(typ string, config json.RawMessage) (json.RawMessage, map[string]string, error) {
	p, ok := s.reg.Provider(typ)
	if !ok || len(p.Schema().Secrets()) == 0 {
		return config, nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(config, &fields); err != nil {
		return nil, nil, fmt.Errorf("channel: a validated config is not an object: %w", err)
	}
	secrets := map[string]string{}
	for _, name := range p.Schema().Secrets() {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		delete(fields, name)
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return nil, nil, apperr.Invalid("config."+name, "must be a string")
		}
		if v != "" {
			secrets[name] = v
		}
	}
	public, err := json.Marshal(fields)
	if len(secrets) == 0 {
		secrets = nil
	}
	return public, secrets, err
}

// withSecrets adds to a configuration the stored secret fields it leaves
// out, so that it validates whole.
func withSecrets(config json.RawMessage, stored map[string]string) (json.RawMessage, error) {
	if len(stored) == 0 || len(bytes.TrimSpace(config)) == 0 {
		return config, nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(config, &fields) != nil || fields == nil {
		return config, nil // validate says what is wrong with it
	}
	for name, v := range stored {
		if _, given := fields[name]; !given {
			fields[name], _ = json.Marshal(v)
		}
	}
	return json.Marshal(fields)
}

// hints is what the API shows of c's secrets.
func hints(c Channel) map[string]string {
	h := map[string]string{}
	if len(c.Token) >= 12 {
		h["token"] = "…" + c.Token[len(c.Token)-4:]
	} else if c.Token != "" {
		h["token"] = "set"
	}
	for name := range c.SecretConfig {
		h[name] = "set"
	}
	return h
}

// SealStored converts what was stored before secrets were sealed (or
// sealed by a key the node now keeps only to open): every token and
// secret configuration not sealed by the node's current key is sealed
// with it, and every token digest filled in. It runs at start-up, in one
// transaction, and is idempotent: a second run changes nothing. A value
// sealed by a key the node lacks stops the start, since the node could
// not serve that channel: the operator gave the wrong key.
func (s *Service) SealStored(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("channel: sealing stored secrets needs keys")
	}
	type row struct {
		id                    int64
		token, secrets, dgest string
	}
	changed := 0
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, token, secrets, COALESCE(token_digest, '') FROM channels ORDER BY id`)
		if err != nil {
			return err
		}
		all, err := db.Collect(rows, func(r *sql.Rows) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.token, &x.secrets, &x.dgest)
		})
		if err != nil {
			return err
		}
		for _, r := range all {
			current := secret.SealedBy(r.token) == s.keys.ID() && r.dgest != "" &&
				(r.secrets == "" || secret.SealedBy(r.secrets) == s.keys.ID())
			if current {
				continue
			}
			c := Channel{ID: r.id}
			if err := s.open(&c, r.token, r.secrets); err != nil {
				return fmt.Errorf("%w: start with the key that sealed it (see docs/configuration.md, \"Secret key\")", err)
			}
			if err := s.writeSecrets(ctx, tx, c); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("channel: seal stored secrets: %w", err)
	}
	if changed > 0 {
		s.cache.Clear()
	}
	return changed, nil
}
