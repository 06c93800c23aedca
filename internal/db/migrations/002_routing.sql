-- Routing: presence, capacity, queues and the routing engine's cursor.
-- Open-conversation counts are not stored: the claim transaction counts
-- them from conversations itself (see docs/routing.md), so no path that
-- closes, merges or deletes can make a counter drift.

-- Per-workspace routing settings; a workspace without a row uses the
-- defaults written here.
CREATE TABLE routing_settings (
    workspace_id          BIGINT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    inactivity_timeout_ms BIGINT NOT NULL DEFAULT 300000
        CHECK (inactivity_timeout_ms BETWEEN 60000 AND 3600000),
    default_capacity      INTEGER NOT NULL DEFAULT 0 CHECK (default_capacity >= 0), -- 0: unlimited
    reassign_grace_ms     BIGINT NOT NULL DEFAULT -1, -- -1: offline agents keep their conversations
    default_strategy      TEXT NOT NULL DEFAULT 'round_robin'
        CHECK (default_strategy IN ('round_robin', 'least_open', 'longest_idle'))
);

-- Per-user routing state. presence is the availability last announced
-- (an event was appended when it changed); the chosen status is
-- users.status. The row is also what a claim locks.
CREATE TABLE routing_agents (
    user_id           BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    workspace_id      BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    presence          TEXT NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'busy', 'offline')),
    capacity          INTEGER CHECK (capacity IS NULL OR capacity >= 0), -- NULL: workspace default; 0: unlimited
    last_seen_at      BIGINT NOT NULL DEFAULT 0, -- newest heartbeat of any device
    last_assigned_at  BIGINT NOT NULL DEFAULT 0,
    offline_since     BIGINT NOT NULL DEFAULT 0,
    reassign_pending  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX routing_agents_workspace ON routing_agents (workspace_id);

-- Signed-in devices of a user and when each was last seen.
CREATE TABLE routing_devices (
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id     TEXT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_id)
);

-- Conversations waiting for an agent. A queue is (workspace, team, user):
-- team 0 is the workspace queue, user not 0 waits for that user. Order is
-- priority (higher first), then id (FIFO).
CREATE TABLE routing_queue (
    id               {{ID}},
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    team_id          BIGINT NOT NULL DEFAULT 0,
    user_id          BIGINT NOT NULL DEFAULT 0,
    target           TEXT NOT NULL CHECK (target IN ('user', 'previous', 'team', 'workspace')),
    priority         INTEGER NOT NULL DEFAULT 0,
    strategy         TEXT NOT NULL,
    only_online      INTEGER NOT NULL DEFAULT 0,
    max_open         INTEGER NOT NULL DEFAULT 0,
    source           TEXT NOT NULL DEFAULT '',
    by_user_id       BIGINT NOT NULL DEFAULT 0,
    enqueued_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX routing_queue_conversation ON routing_queue (conversation_id);
CREATE INDEX routing_queue_order ON routing_queue (workspace_id, team_id, user_id, priority DESC, id);

-- Round-robin position per queue, so a restart continues the rotation.
CREATE TABLE routing_round_robin (
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    team_id       BIGINT NOT NULL,
    last_user_id  BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, team_id)
);

-- The routing engine's position in the event log (one row).
CREATE TABLE routing_cursor (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id  BIGINT NOT NULL
);
-- Start after the events that exist: queues are empty before this migration.
INSERT INTO routing_cursor (id, last_event_id) SELECT 1, COALESCE(MAX(id), 0) FROM events;

-- Open conversations per assignee, read by every claim.
CREATE INDEX conversations_assignee_open ON conversations (assignee_id) WHERE status <> 'closed';
