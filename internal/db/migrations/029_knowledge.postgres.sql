-- The knowledge base (issue 15): what the AI agent, the classifier and the
-- inbox help retrieve from. PostgreSQL indexes passages with a tsvector; the
-- SQLite file indexes the same passages with FTS5 (BM25).

-- A source is where documents come from besides the articles written in the
-- app: an uploaded file, a web page, or a sitemap's pages. status is
-- ready | syncing | error; error says why the last sync failed.
CREATE TABLE knowledge_sources (
    id              BIGSERIAL PRIMARY KEY,
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
    id              BIGSERIAL PRIMARY KEY,
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
    id              BIGSERIAL PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    article_id      BIGINT NOT NULL REFERENCES knowledge_articles(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    heading         TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL,
    embedding_model TEXT NOT NULL DEFAULT '',
    embedding       BYTEA,
    -- The full-text index: title terms weighted A, body terms B (Go writes
    -- the terms already folded, stop-worded and stemmed, as on SQLite).
    tsv             TSVECTOR NOT NULL
);
CREATE INDEX knowledge_chunks_article ON knowledge_chunks (article_id, position);
CREATE INDEX knowledge_chunks_workspace ON knowledge_chunks (workspace_id);

CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING GIN (tsv);
