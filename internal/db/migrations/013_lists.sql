-- Lists the inbox can page (issue 8 §5).
--
-- waiting_since is when the oldest contact message still unanswered
-- arrived: set by the first contact message after the last message of the
-- business (agent, workflow or echo), reset by the next one. A conversation
-- not waiting holds the largest BIGINT, so "waiting longest first" is one
-- ascending index walk with the not-waiting ones last; the API shows it as
-- absent.
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT NOT NULL DEFAULT 9223372036854775807;
UPDATE conversations SET waiting_since = COALESCE((
    SELECT MIN(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'in'
      AND m.created_at >= COALESCE((SELECT MAX(o.created_at) FROM messages o
                                    WHERE o.conversation_id = conversations.id AND o.direction = 'out'), 0)
), 9223372036854775807) WHERE status <> 'closed';

-- One index per sort, led by what every inbox view filters on, so the
-- first page of a view is an index walk that stops after limit rows.
CREATE INDEX conversations_by_last_message ON conversations (workspace_id, status, last_message_at, id);
CREATE INDEX conversations_by_waiting ON conversations (workspace_id, status, waiting_since, id);
CREATE INDEX conversations_by_opened ON conversations (workspace_id, status, opened_at, id);
-- The inbox counts (All, Mine, Unassigned, each team) read these alone.
CREATE INDEX conversations_by_assignee ON conversations (workspace_id, status, assignee_id, team_id);
CREATE INDEX conversations_by_team ON conversations (workspace_id, status, team_id, assignee_id);
CREATE INDEX conversations_by_channel ON conversations (workspace_id, channel_id, status);
CREATE INDEX conversations_by_contact ON conversations (contact_id, id);
-- Filters that go through the contact.
CREATE INDEX contact_tags_tag ON contact_tags (tag_id, contact_id);
CREATE INDEX contact_field_values_value ON contact_field_values (field_id, value, contact_id);
CREATE INDEX contacts_stage ON contacts (workspace_id, lifecycle_stage_id);

-- Saved views: a user's named conversation filters, counted in the inbox.
CREATE TABLE saved_views (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    filter          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (user_id, name);
