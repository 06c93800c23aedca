-- Auto-close (issue 8): a workspace may close conversations that went
-- without a message for a while. The work is due in the conversation row
-- itself (see internal/due: timed work stays in its domain table).

-- How long a conversation may go without a message before it is closed
-- (0: never, the default), and whether only the contact's messages count.
ALTER TABLE workspaces ADD COLUMN auto_close_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN auto_close_contact_only INTEGER NOT NULL DEFAULT 0;

-- When the conversation is due to be auto-closed (0: not armed). Every
-- counted message moves it; changing the setting re-arms the workspace's
-- open conversations.
ALTER TABLE conversations ADD COLUMN auto_close_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX conversations_auto_close ON conversations (auto_close_at) WHERE auto_close_at > 0;
