-- Invitations the node mails (serve --mail-smtp-url): how the link last
-- went by mail, for the pending list. mail_status is 'none' (the inviter
-- shares the link by hand), 'sent' (the node's mail server took it) or
-- 'failed' (it did not; the node's log says why); mail_status_at is when
-- it was set (0 for 'none').
ALTER TABLE invitations ADD COLUMN mail_status TEXT NOT NULL DEFAULT 'none';
ALTER TABLE invitations ADD COLUMN mail_status_at BIGINT NOT NULL DEFAULT 0;
