-- Channel secrets are sealed at rest (internal/secret, AES-256-GCM under
-- the node's key). SQL has no key, so the node converts the plaintext
-- tokens stored before this migration when it starts
-- (channel.Service.SealStored, idempotent); this migration only makes room.
--   secrets       the secret fields of a channel's configuration, one
--                 sealed JSON object ('' when it has none)
--   token_digest  SHA-256 (hex) of the webhook token, to find a channel by
--                 its token without opening every row
ALTER TABLE channels ADD COLUMN secrets TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN token_digest TEXT;
CREATE INDEX channels_token_digest ON channels (token_digest);
