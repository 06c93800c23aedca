-- The composer (issue 9): snippets agents insert with /name, and the media
-- store of uploaded attachments.

-- A snippet is a workspace's canned text; name is what an agent types after
-- "/", unique in the workspace.
CREATE TABLE snippets (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    text            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX snippets_name ON snippets (workspace_id, name);

-- An uploaded file. The bytes live in the media folder under the random id
-- (never the client's name); the row says whose they are and what they are
-- by content. file_name is the client's name, kept only to offer it back
-- (sanitized) on download.
CREATE TABLE media (
    id              TEXT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    uploader_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    sha256          TEXT NOT NULL,
    size            BIGINT NOT NULL,
    content_type    TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    -- fetch_key lets the channel integrator fetch a file sent as an
    -- attachment without an API token: GET /media/{id}/{fetch_key}.
    fetch_key       TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX media_workspace ON media (workspace_id, created_at);
