-- Internal notes' search: the inbox finds what the team wrote about a
-- conversation as it finds what was said in it (068). The words of each
-- comment's text, folded and split by Go (knowledge.Words), written by the
-- comment-search consumer from the log's comment events
-- (internal/conversation/search_index.go). rowid is the comment's id;
-- contentless, the text stays in comments alone.
CREATE VIRTUAL TABLE comment_search USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A comment deleted (by its author, with its conversation or its
-- contact) leaves the index with it; PostgreSQL's foreign key cascades.
CREATE TRIGGER comment_search_forget AFTER DELETE ON comments BEGIN
    DELETE FROM comment_search WHERE rowid = old.id;
END;
