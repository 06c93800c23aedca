-- Password resets: "Forgot your password?" mails a link holding a random
-- token, of which only the SHA-256 is stored. An account has at most one
-- link at a time (a newer request replaces the row, so older links stop
-- working); using it deletes the row in the transaction that sets the
-- password, so it works once. An expired row stays until the account's
-- next request or its deletion: one row per account at most.
CREATE TABLE password_resets (
    account_id  BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX password_resets_token ON password_resets (token_hash);
