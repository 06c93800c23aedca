-- Notification mails: a member is mailed a mention, an assignment or (an
-- owner) a disabled webhook endpoint they have not seen within a few
-- minutes (internal/notification/mail.go). Each member's choice, one row
-- per member; none holds the defaults (all on, English).
CREATE TABLE notification_settings (
    user_id          BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    mail_mentions    INTEGER NOT NULL DEFAULT 1,
    mail_assignments INTEGER NOT NULL DEFAULT 1,
    mail_webhooks    INTEGER NOT NULL DEFAULT 1,
    language         TEXT NOT NULL DEFAULT 'en'
);

-- A notification's mail: due at mail_at (0: none pending), leased as the
-- node's other timed work is, and how it ended ('sent', 'skipped': seen
-- or no longer the member's to see, 'failed': the mail server refused it
-- at every attempt).
ALTER TABLE notifications ADD COLUMN mail_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN mail_state TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN lease_node BIGINT NOT NULL DEFAULT 0;
CREATE INDEX notifications_mail_due ON notifications (mail_at) WHERE mail_at > 0;
CREATE INDEX notifications_lease_node ON notifications (lease_node) WHERE lease_until > 0;
-- A conversation's notifications are marked read when its member reads it.
CREATE INDEX notifications_unread_conversation ON notifications (user_id, conversation_id) WHERE read_at = 0;
