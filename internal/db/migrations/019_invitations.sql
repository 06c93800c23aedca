-- Invitations (issue 10): an owner or manager invites a person by email to
-- a role (and teams); the link holds a random token, of which only the
-- SHA-256 is stored. An invitation is used once: accepting it stamps
-- accepted_at in the transaction that creates the membership, only while
-- it is neither accepted, revoked nor expired.
CREATE TABLE invitations (
    id               {{ID}},
    workspace_id     BIGINT NOT NULL REFERENCES workspaces(id),
    email            TEXT NOT NULL,
    role             TEXT NOT NULL,
    -- team_ids is a JSON array of the teams the person joins on accepting.
    team_ids         TEXT NOT NULL DEFAULT '[]',
    token_hash       TEXT NOT NULL,
    -- invited_by is the user who invited (0: a workspace token); not a
    -- foreign key, so that deleting that user keeps the invitation.
    invited_by       BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    accepted_at      BIGINT NOT NULL DEFAULT 0,
    accepted_user_id BIGINT NOT NULL DEFAULT 0,
    revoked_at       BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_workspace ON invitations (workspace_id, id);
