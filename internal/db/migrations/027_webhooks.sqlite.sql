-- Outgoing webhooks (issue 13): a workspace's endpoints, the event types
-- each wants, and one delivery row per (endpoint, event), made by the
-- "webhooks" consumer of the event log in the write that moves its cursor
-- and sent by the delivery loop (leased due work, in order per
-- conversation). The notifications table learns a kind that is about no
-- conversation: an endpoint disabled after failing for 24 hours.
CREATE TABLE webhook_endpoints (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    event_types     TEXT NOT NULL DEFAULT '',  -- comma-separated subscription names
    secret          TEXT NOT NULL,             -- sealed when the node has a key
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT NOT NULL DEFAULT '',
    failing_since   BIGINT NOT NULL DEFAULT 0, -- first failed attempt since the last success; 0: healthy
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, id);

CREATE TABLE webhook_deliveries (
    id               {{ID}},
    workspace_id     BIGINT NOT NULL,
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id         BIGINT NOT NULL,           -- 0 for a test delivery
    event_type       TEXT NOT NULL,
    conversation_id  BIGINT NOT NULL DEFAULT 0, -- the order key; 0: none
    body             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    give_up_at       BIGINT NOT NULL,           -- retried until then (made or resent + 24h)
    lease_until      BIGINT NOT NULL DEFAULT 0,
    lease_node       BIGINT NOT NULL DEFAULT 0,
    last_status      INTEGER NOT NULL DEFAULT 0, -- HTTP status of the last attempt; 0: none or no answer
    last_error       TEXT NOT NULL DEFAULT '',
    response_excerpt TEXT NOT NULL DEFAULT '',
    duration_ms      BIGINT NOT NULL DEFAULT 0,
    last_attempt_at  BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, event_id) WHERE event_id > 0;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_line ON webhook_deliveries (endpoint_id, conversation_id, id) WHERE state = 'pending';

CREATE TABLE notifications_new (
    id               {{ID}},
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('mention', 'assignment', 'webhook_disabled')),
    conversation_id  BIGINT REFERENCES conversations(id) ON DELETE CASCADE,
    event_id         BIGINT NOT NULL,
    by_user_id       BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    read_at          BIGINT NOT NULL DEFAULT 0,
    subject_id       BIGINT NOT NULL DEFAULT 0
);
INSERT INTO notifications_new (id, workspace_id, user_id, kind, conversation_id, event_id, by_user_id, created_at, read_at)
    SELECT id, workspace_id, user_id, kind, conversation_id, event_id, by_user_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE UNIQUE INDEX notifications_once ON notifications (event_id, user_id);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at = 0;
