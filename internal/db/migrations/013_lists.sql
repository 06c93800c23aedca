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
-- first page of a view is an index walk that stops after limit rows. The
-- trailing assignee and team let an agent's scope be checked in the index,
-- reading only the rows it keeps (4 ms → 0.3 ms per first page at 100,000).
CREATE INDEX conversations_by_last_message ON conversations (workspace_id, status, last_message_at, id, assignee_id, team_id);
CREATE INDEX conversations_by_waiting ON conversations (workspace_id, status, waiting_since, id, assignee_id, team_id);
CREATE INDEX conversations_by_opened ON conversations (workspace_id, status, opened_at, id, assignee_id, team_id);
-- Saved views that filter by assignee or team walk these when they cannot
-- be counted from conversation_counts (below).
CREATE INDEX conversations_by_assignee ON conversations (workspace_id, status, assignee_id, team_id);
CREATE INDEX conversations_by_team ON conversations (workspace_id, status, team_id, assignee_id);
CREATE INDEX conversations_by_channel ON conversations (workspace_id, channel_id, status);
CREATE INDEX conversations_by_contact ON conversations (contact_id, id);
-- Views on the contact (tag, field, stage, search) count through this one
-- alone: contact, assignee and team are all in it.
CREATE INDEX conversations_by_status_contact ON conversations (workspace_id, status, contact_id, assignee_id, team_id);
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

-- The inbox counts: how many conversations have each combination of the
-- columns a view can be counted by (0 for none), kept by triggers in the
-- transaction that changes a conversation, whichever path changes it, so
-- they cannot drift. Counting All, Mine, Unassigned or a team then reads a
-- few hundred rows, not every open conversation.
CREATE TABLE conversation_counts (
    workspace_id    BIGINT NOT NULL,
    status          TEXT NOT NULL,
    team_id         BIGINT NOT NULL,
    assignee_id     BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    opened_source   TEXT NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, status, team_id, assignee_id, channel_id, opened_source)
);
INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, n)
SELECT workspace_id, status, COALESCE(team_id, 0), COALESCE(assignee_id, 0), COALESCE(channel_id, 0), opened_source, COUNT(*)
FROM conversations GROUP BY workspace_id, status, COALESCE(team_id, 0), COALESCE(assignee_id, 0), COALESCE(channel_id, 0), opened_source;
-- The triggers that keep it are in migration 015, one file per dialect.
