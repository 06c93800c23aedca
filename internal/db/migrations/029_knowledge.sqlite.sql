-- The knowledge base (issue 15): what the AI agent, the classifier and the
-- inbox help retrieve from. SQLite indexes passages with FTS5 (BM25); the
-- PostgreSQL file indexes the same passages with a tsvector.

-- A source is where documents come from besides the articles written in the
-- app: an uploaded file, a web page, or a sitemap's pages. status is
-- ready | syncing | error; error says why the last sync failed.
CREATE TABLE knowledge_sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    kind            TEXT NOT NULL CHECK (kind IN ('file', 'url', 'sitemap')),
    name            TEXT NOT NULL,
    url             TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'ready',
    error           TEXT NOT NULL DEFAULT '',
    documents       BIGINT NOT NULL DEFAULT 0,
    synced_at       BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX knowledge_sources_workspace ON knowledge_sources (workspace_id, id);

-- An article is a document: written in the app (source_id NULL) or taken
-- from a source (a file, a page). Only published ones are searched.
CREATE TABLE knowledge_articles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    source_id       BIGINT REFERENCES knowledge_sources(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    language        TEXT NOT NULL DEFAULT '',
    published       BOOLEAN NOT NULL DEFAULT TRUE,
    url             TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX knowledge_articles_workspace ON knowledge_articles (workspace_id, id);
CREATE INDEX knowledge_articles_source ON knowledge_articles (source_id);

-- A chunk is a passage of an article (by headings and paragraphs, a few
-- hundred words, overlapping). embedding is little-endian float32s from
-- embedding_model, when an embeddings model is configured.
CREATE TABLE knowledge_chunks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    article_id      BIGINT NOT NULL REFERENCES knowledge_articles(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    heading         TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL,
    embedding_model TEXT NOT NULL DEFAULT '',
    embedding       BLOB
);
CREATE INDEX knowledge_chunks_article ON knowledge_chunks (article_id, position);
CREATE INDEX knowledge_chunks_workspace ON knowledge_chunks (workspace_id);

-- The full-text index of chunks (rowid = chunk id). Go writes the terms
-- already folded, stop-worded and stemmed, so both stores search the same
-- words; unicode61 with remove_diacritics 2 folds whatever is left.
CREATE VIRTUAL TABLE knowledge_fts USING fts5 (
    title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The index's vocabulary (term, documents, occurrences), read to correct
-- typos in questions.
CREATE VIRTUAL TABLE knowledge_fts_terms USING fts5vocab (knowledge_fts, 'row');
