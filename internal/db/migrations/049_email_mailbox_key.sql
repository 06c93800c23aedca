-- The mailbox an email channel's IMAP cursor was read from (server, port,
-- user and folder): a channel moved to another mailbox whose UIDVALIDITY
-- happens to be the old one's must not take the old last UID for its own.
-- Rows from before hold '': their mailbox is read once more from its
-- unread mail, what was stored being recognised by its Message-ID.
ALTER TABLE email_mailboxes ADD COLUMN mailbox TEXT NOT NULL DEFAULT '';
