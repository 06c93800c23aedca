-- Conversational AI (issue 15, internal/ai): a workspace's model provider,
-- its token usage per month, and the intents the Classify step sorts
-- contact messages into.

-- One row per workspace that configured a provider. api_key is sealed with
-- the node's keyring (bound to the workspace id), never returned by the API.
-- monthly_budget is in tokens (0: no budget). redact says whether emails,
-- phone and card numbers are masked before anything leaves the server;
-- llm_classify whether the Classify step asks the chat model first.
CREATE TABLE ai_settings (
    workspace_id    BIGINT PRIMARY KEY REFERENCES workspaces(id),
    base_url        TEXT NOT NULL DEFAULT '',
    api_key         TEXT NOT NULL DEFAULT '',
    chat_model      TEXT NOT NULL DEFAULT '',
    embed_model     TEXT NOT NULL DEFAULT '',
    monthly_budget  BIGINT NOT NULL DEFAULT 0,
    redact          INTEGER NOT NULL DEFAULT 0,
    llm_classify    INTEGER NOT NULL DEFAULT 0,
    threshold       DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    updated_at      BIGINT NOT NULL
);

-- Tokens spent per workspace and calendar month (UTC, 'YYYY-MM'), added to
-- on every call from the provider's own usage figures.
CREATE TABLE ai_usage (
    workspace_id        BIGINT NOT NULL REFERENCES workspaces(id),
    month               TEXT NOT NULL,
    calls               BIGINT NOT NULL DEFAULT 0,
    prompt_tokens       BIGINT NOT NULL DEFAULT 0,
    completion_tokens   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, month)
);

-- An intent: a name the Classify step saves, and the example phrases its
-- classifier is trained from (a JSON array of strings).
CREATE TABLE intents (
    id              {{ID}},
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    examples        TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX intents_name ON intents (workspace_id, name);
