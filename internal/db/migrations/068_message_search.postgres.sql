-- Message search: the inbox finds what was said. The index holds the
-- words of each message's text, folded and split by Go
-- (knowledge.Words) so that both stores match the same words, written by
-- the message-search consumer from the log's message events
-- (internal/conversation/search_index.go), off the receive path. The
-- SQLite file keeps the same words in an FTS5 table.
CREATE TABLE message_search (
    message_id  BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    terms       TSVECTOR NOT NULL
);
CREATE INDEX message_search_terms ON message_search USING GIN (terms);
