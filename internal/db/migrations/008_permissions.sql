-- Who sees what (issue 8): owners restrict or widen what managers and
-- agents may do, per role and per user; an agent's view of conversations
-- and contacts is decided in SQL from these.

-- The workspace's permissions per role, as JSON: {"agent": {...},
-- "manager": {...}}, each with see_all_conversations, export_contacts and
-- delete_contacts. A role absent here has the built-in defaults.
ALTER TABLE workspaces ADD COLUMN role_permissions TEXT NOT NULL DEFAULT '{}';

-- A user's own permissions, overriding their role's (JSON of the same
-- three flags); NULL: the role's apply.
ALTER TABLE users ADD COLUMN permissions TEXT;

-- A restricted agent sees a contact through its conversations: one index
-- probe per contact, and the contact's conversations listed by index.
CREATE INDEX conversations_contact ON conversations (contact_id);
