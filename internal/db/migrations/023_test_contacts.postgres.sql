-- Test contacts (issue 11, the Workflow Builder's test panel): a manager
-- chats with a workflow as a contact flagged is_test, through the built-in
-- test channel. Lists, counts and workflow stats leave test contacts, their
-- conversations and their runs out unless asked for them (test=include or
-- test=only); reports read the same flags.
ALTER TABLE contacts ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
-- The few test contacts of a workspace: conversation lists and counts
-- leave out their conversations by contact_id, which the index counting
-- views by contact (migration 013) holds, so a count stays index-only.
CREATE INDEX contacts_test ON contacts (workspace_id, id) WHERE is_test = 1;
-- Copied from the contact when the conversation opens, so a list filters
-- on its own row.
ALTER TABLE conversations ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
-- Copied from the contact when the run starts.
ALTER TABLE workflow_runs ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;

-- The test contact of one person testing one workflow: the only workflow
-- that contact's events start (even while stopped, on its published
-- version).
CREATE TABLE workflow_test_contacts (
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    workflow_id     BIGINT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_id      BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, user_id)
);
CREATE UNIQUE INDEX workflow_test_contacts_contact ON workflow_test_contacts (contact_id);

-- conversation_counts (migrations 013, 015) counts real conversations only:
-- the inbox counts leave test conversations out at no cost. A count that
-- includes them counts the conversations themselves.
CREATE OR REPLACE FUNCTION conversation_counts_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_test = 0 THEN
        UPDATE conversation_counts SET n = n - 1
        WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND team_id = COALESCE(OLD.team_id, 0)
          AND assignee_id = COALESCE(OLD.assignee_id, 0) AND channel_id = COALESCE(OLD.channel_id, 0) AND opened_source = OLD.opened_source;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.is_test = 0 THEN
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, n)
        VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.team_id, 0), COALESCE(NEW.assignee_id, 0), COALESCE(NEW.channel_id, 0), NEW.opened_source, 1)
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source) DO UPDATE SET n = conversation_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
