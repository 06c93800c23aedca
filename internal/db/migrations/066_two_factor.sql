-- Two-factor sign-in (TOTP, RFC 6238) is a person's: their account's, in
-- every workspace they work in. totp_secret is the authenticator's key,
-- sealed with the node's key like channel secrets ('' : no second
-- factor); totp_pending the key being set up, until a first code confirms
-- it; totp_last_step the 30-second step of the last code accepted, which
-- no sign-in may use again.
ALTER TABLE accounts ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- The one-time recovery codes of an account with a second factor, by
-- their SHA-256: a code signs in once in place of the authenticator's.
CREATE TABLE account_recovery_codes (
    account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    PRIMARY KEY (account_id, code_hash)
);
