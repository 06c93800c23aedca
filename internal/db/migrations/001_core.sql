-- Core schema. Every timestamp is Unix milliseconds (BIGINT) so both
-- dialects store and compare them the same way; 0 or NULL means "never".

CREATE TABLE workspaces (
    id                  {{ID}},
    name                TEXT NOT NULL,
    timezone            TEXT NOT NULL DEFAULT 'UTC',
    closing_notes_mode  TEXT NOT NULL DEFAULT 'optional'
        CHECK (closing_notes_mode IN ('optional', 'category_required', 'both_required')),
    created_at          BIGINT NOT NULL
);

CREATE TABLE users (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    email           TEXT NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'agent')),
    password_hash   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'online' CHECK (status IN ('online', 'busy')),
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_workspace ON users (workspace_id);

CREATE TABLE teams (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX teams_name ON teams (workspace_id, name);

CREATE TABLE team_members (
    team_id     BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE api_tokens (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    user_id         BIGINT REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session')),
    token_hash      TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL DEFAULT 0,
    last_used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE lifecycle_stages (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    is_default      INTEGER NOT NULL DEFAULT 0,
    is_lost         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX lifecycle_stages_name ON lifecycle_stages (workspace_id, name);

CREATE TABLE contacts (
    id                  {{ID}},
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL DEFAULT '',
    phone               TEXT,
    email               TEXT,
    language            TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    avatar_url          TEXT NOT NULL DEFAULT '',
    lifecycle_stage_id  BIGINT REFERENCES lifecycle_stages(id) ON DELETE SET NULL,
    last_assignee_id    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    last_incoming_at    BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_phone ON contacts (workspace_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_email ON contacts (workspace_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_workspace ON contacts (workspace_id, id);

CREATE TABLE custom_fields (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('text', 'number', 'list', 'checkbox', 'email', 'url', 'date', 'time')),
    options         TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields (workspace_id, key);

CREATE TABLE contact_field_values (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    field_id    BIGINT NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    PRIMARY KEY (contact_id, field_id)
);

CREATE TABLE tags (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    color           TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags (workspace_id, name);

CREATE TABLE contact_tags (
    contact_id  BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, tag_id)
);

CREATE TABLE channels (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    type            TEXT NOT NULL,
    name            TEXT NOT NULL,
    token           TEXT NOT NULL,
    config          TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);
CREATE INDEX channels_workspace ON channels (workspace_id);

CREATE TABLE contact_identities (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    external_id     TEXT NOT NULL,
    contact_id      BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX contact_identities_external ON contact_identities (channel_id, external_id);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE closing_categories (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX closing_categories_name ON closing_categories (workspace_id, name);

CREATE TABLE conversations (
    id                  {{ID}},
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id          BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    channel_id          BIGINT REFERENCES channels(id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'snoozed', 'closed')),
    opened_source       TEXT NOT NULL CHECK (opened_source IN ('contact', 'user', 'workflow', 'api')),
    opened_by           BIGINT REFERENCES users(id) ON DELETE SET NULL,
    assignee_id         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    team_id             BIGINT REFERENCES teams(id) ON DELETE SET NULL,
    snoozed_until       BIGINT NOT NULL DEFAULT 0,
    closed_source       TEXT,
    closed_by           BIGINT REFERENCES users(id) ON DELETE SET NULL,
    close_category      TEXT,
    close_summary       TEXT,
    last_seq            BIGINT NOT NULL DEFAULT 0,
    last_message_at     BIGINT NOT NULL DEFAULT 0,
    last_incoming_at    BIGINT NOT NULL DEFAULT 0,
    opened_at           BIGINT NOT NULL,
    closed_at           BIGINT NOT NULL DEFAULT 0
);
-- The invariant of the product: a contact has at most one open (or snoozed)
-- conversation, whatever the concurrency and however many nodes.
CREATE UNIQUE INDEX conversations_one_open ON conversations (contact_id) WHERE status <> 'closed';
CREATE INDEX conversations_workspace ON conversations (workspace_id, status, id);
CREATE INDEX conversations_assignee ON conversations (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 'snoozed';

CREATE TABLE messages (
    id                  {{ID}},
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    conversation_id     BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
    contact_id          BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    channel_id          BIGINT NOT NULL REFERENCES channels(id),
    direction           TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    sender              TEXT NOT NULL CHECK (sender IN ('contact', 'user', 'workflow', 'api', 'echo')),
    sender_user_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    type                TEXT NOT NULL,
    text                TEXT NOT NULL DEFAULT '',
    content             TEXT NOT NULL DEFAULT '{}',
    provider_message_id TEXT,
    status              TEXT NOT NULL CHECK (status IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
    failure_reason      TEXT NOT NULL DEFAULT '',
    sent_at             BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL
);
-- A redelivered webhook carries the same provider id: stored once.
CREATE UNIQUE INDEX messages_provider_id ON messages (channel_id, direction, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_contact ON messages (contact_id, id);

CREATE TABLE message_statuses (
    id          {{ID}},
    message_id  BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL
);
CREATE INDEX message_statuses_message ON message_statuses (message_id, id);

-- The durable outbound queue: one row per message to hand to a channel.
CREATE TABLE outbound_jobs (
    id              {{ID}},
    message_id      BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    channel_id      BIGINT NOT NULL REFERENCES channels(id),
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX outbound_jobs_message ON outbound_jobs (message_id);
CREATE INDEX outbound_jobs_due ON outbound_jobs (next_attempt_at) WHERE state = 'pending';

CREATE TABLE comments (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    text            TEXT NOT NULL,
    mentions        TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL
);
CREATE INDEX comments_conversation ON comments (conversation_id, id);

-- The event log: every state change appends here in the transaction that
-- makes it. seq orders the events of one conversation; id orders them all.
CREATE TABLE events (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    type            TEXT NOT NULL,
    conversation_id BIGINT,
    contact_id      BIGINT,
    seq             BIGINT NOT NULL DEFAULT 0,
    payload         TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);
CREATE INDEX events_workspace ON events (workspace_id, id);
CREATE INDEX events_conversation ON events (conversation_id, seq) WHERE conversation_id IS NOT NULL;
