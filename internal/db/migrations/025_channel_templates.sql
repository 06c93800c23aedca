-- The pre-approved message templates of a channel whose provider has them
-- (WhatsApp), as last synced from the provider: replaced whole on each
-- sync (internal/channel/templates.go). params is how many {{n}}
-- parameters the body takes; components the provider's own description.
CREATE TABLE channel_templates (
    channel_id      BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    language        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    params          INTEGER NOT NULL DEFAULT 0,
    components      TEXT NOT NULL DEFAULT '[]',
    synced_at       BIGINT NOT NULL,
    PRIMARY KEY (channel_id, name, language)
);
