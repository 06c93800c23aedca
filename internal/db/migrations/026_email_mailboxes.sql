-- The IMAP mailbox of an email channel: the cursor of what was stored
-- (the mailbox's UIDVALIDITY and the last UID stored) and the lease of
-- the one node polling it (holder, until when, in Unix milliseconds), so
-- two nodes never read the same mailbox.
CREATE TABLE email_mailboxes (
    channel_id   BIGINT PRIMARY KEY REFERENCES channels(id),
    uid_validity BIGINT NOT NULL DEFAULT 0,
    last_uid     BIGINT NOT NULL DEFAULT 0,
    holder       TEXT NOT NULL DEFAULT '',
    lease_until  BIGINT NOT NULL DEFAULT 0
);
