-- Internal notes' search: the inbox finds what the team wrote about a
-- conversation as it finds what was said in it (068). The words of each
-- comment's text, folded and split by Go (knowledge.Words), written by the
-- comment-search consumer from the log's comment events
-- (internal/conversation/search_index.go). The SQLite file keeps the
-- same words in an FTS5 table.
CREATE TABLE comment_search (
    comment_id  BIGINT PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    terms       TSVECTOR NOT NULL
);
CREATE INDEX comment_search_terms ON comment_search USING GIN (terms);
