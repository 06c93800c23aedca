-- The channel platform's core (issue 12): reactions and edits recorded on
-- the messages they are about, and the fetches of attachments the provider
-- holds (WhatsApp media ids, Telegram file ids, Twilio media URLs).

-- The contact's reaction to a message (an emoji, '' for none): one per
-- message, the latest by the provider's time wins.
ALTER TABLE messages ADD COLUMN reaction TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN reaction_at BIGINT NOT NULL DEFAULT 0;
-- When the contact last edited the message (0: never); the earlier
-- versions are in message_edits.
ALTER TABLE messages ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0;

-- One row per edit: the version it replaced. provider_id is the edit's own
-- id at the provider, when it has one, so a redelivered edit is applied once.
CREATE TABLE message_edits (
    id          {{ID}},
    message_id  BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    content     TEXT NOT NULL,
    edited_at   BIGINT NOT NULL
);
CREATE INDEX message_edits_message ON message_edits (message_id, id);

-- An attachment to download from the provider into the media store: leased
-- timed work (internal/due), retried with backoff until done or failed.
-- position is the attachment's index in the message's content.attachments.
CREATE TABLE media_fetches (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    message_id      BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    position        INTEGER NOT NULL,
    ref             TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    lease_node      BIGINT NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL DEFAULT '',
    media_id        TEXT,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX media_fetches_message ON media_fetches (message_id, position);
CREATE INDEX media_fetches_due ON media_fetches (next_attempt_at) WHERE state = 'pending';
CREATE INDEX media_fetches_lease_node ON media_fetches (lease_node) WHERE lease_until > 0;
