-- Satisfaction surveys (internal/satisfaction): when a person or an AI
-- agent closes a conversation the contact wrote in, the workspace may send
-- the contact a link to rate it from 1 to 5 with a comment.
ALTER TABLE workspaces ADD COLUMN survey_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN survey_message TEXT NOT NULL DEFAULT '';

-- One survey per conversation, sent once (the key), answered through its
-- token until expires_at, at most satisfaction.MaxAnswers times (answers);
-- rating 0 until the contact answers. A deleted
-- contact's conversations take their surveys, comments and all, with them;
-- the contact is the conversation's (a merge moves it).
CREATE TABLE satisfaction_surveys (
    conversation_id BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    message_id      BIGINT NOT NULL,
    token           TEXT NOT NULL,
    sent_at         BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    rating          INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    comment         TEXT NOT NULL DEFAULT '',
    rated_at        BIGINT NOT NULL DEFAULT 0,
    answers         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX satisfaction_surveys_token ON satisfaction_surveys (token);
CREATE INDEX satisfaction_surveys_workspace ON satisfaction_surveys (workspace_id, rated_at);
