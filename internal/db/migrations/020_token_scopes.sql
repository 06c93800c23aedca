-- API token scopes (issue 10): a comma-separated list of read_only,
-- contacts, conversations, workflows; empty is full access, as before.
-- Sessions are never scoped.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
