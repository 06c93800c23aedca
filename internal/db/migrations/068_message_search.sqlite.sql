-- Message search: the inbox finds what was said. The index holds the
-- words of each message's text, folded and split by Go
-- (knowledge.Words) so that both stores match the same words, written by
-- the message-search consumer from the log's message events
-- (internal/conversation/search_index.go), off the receive path. rowid
-- is the message's id. Contentless: the text stays in messages alone,
-- the index keeps only where each word is.
CREATE VIRTUAL TABLE message_search USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A message deleted (its contact erased, its workspace purged) leaves the
-- index with it; PostgreSQL's foreign key cascades the same way.
CREATE TRIGGER message_search_forget AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
