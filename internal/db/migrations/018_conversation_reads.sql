-- When each member last read each conversation, for the inbox's unread
-- state: a conversation is unread for a member when the contact wrote
-- after that time (or ever, if the member never opened it).
CREATE TABLE conversation_reads (
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    read_at          BIGINT NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);
