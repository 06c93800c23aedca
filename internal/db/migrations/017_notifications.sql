-- The notification bell: a member is told when someone mentions them in a
-- comment or assigns them a conversation. Rows are made by the
-- "notifications" consumer of the event log, once per (event, user).
CREATE TABLE notifications (
    id               {{ID}},
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('mention', 'assignment')),
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    event_id         BIGINT NOT NULL,
    by_user_id       BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    read_at          BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX notifications_once ON notifications (event_id, user_id);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at = 0;
