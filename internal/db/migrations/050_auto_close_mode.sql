-- Auto-close awaiting the contact (SPEC §4, respond.io's behaviour): a
-- workspace chooses how its auto-close counts. inactivity (issue 8's, the
-- default, so a workspace keeps what it had): every counted message moves
-- the deadline. awaiting_contact: only a message a person of the
-- workspace sent arms it, and the contact's reply disarms it.
ALTER TABLE workspaces ADD COLUMN auto_close_mode TEXT NOT NULL DEFAULT 'inactivity'
    CHECK (auto_close_mode IN ('inactivity', 'awaiting_contact'));

-- When a person last sent a message in the conversation (0: never): a
-- workflow's, an AI agent's, a workspace token's and an echo are not a
-- person's. Re-arming (a change of the setting, a wake from a snooze)
-- reads it: the conversation awaits its contact when it is after
-- last_incoming_at. The send that stores the message writes it.
ALTER TABLE conversations ADD COLUMN last_human_sent_at BIGINT NOT NULL DEFAULT 0;

-- The conversations still open or snoozed take it from their messages, so
-- a workspace that switches mode arms those already waiting on their
-- contact (a closed one is never re-armed). One index probe each
-- (messages_conversation).
UPDATE conversations SET last_human_sent_at = COALESCE((SELECT MAX(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'out' AND m.sender = 'user'
        AND (m.ai IS NULL OR m.ai <> 'agent')), 0)
WHERE status <> 'closed';
