-- Sessions end (issue 7): users can be deactivated, sessions remember the
-- client that opened them, expired tokens are purged, and a user with no
-- history can be deleted.

-- When the user was deactivated (0: active). A deactivated user cannot
-- sign in, their tokens are refused and routing never picks them; their
-- history keeps referring to them.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT NOT NULL DEFAULT 0;

-- The client that opened a session, shown in the user's list of sessions
-- (empty for API tokens). Both are cut short when stored.
ALTER TABLE api_tokens ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';

-- A user's sessions are listed and ended together; the purge finds
-- expired rows by their expiry.
CREATE INDEX api_tokens_user ON api_tokens (user_id, kind);
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at) WHERE expires_at > 0;

-- Deleting a user first checks that nothing refers to them; these make
-- each check one index probe. They are partial: rows without a user (an
-- inbound message, a conversation the contact opened) are not indexed.
CREATE INDEX conversations_opened_by ON conversations (opened_by) WHERE opened_by IS NOT NULL;
CREATE INDEX conversations_closed_by ON conversations (closed_by) WHERE closed_by IS NOT NULL;
CREATE INDEX contacts_last_assignee ON contacts (last_assignee_id) WHERE last_assignee_id IS NOT NULL;
CREATE INDEX messages_sender_user ON messages (sender_user_id) WHERE sender_user_id IS NOT NULL;
CREATE INDEX comments_user ON comments (user_id) WHERE user_id IS NOT NULL;
