-- Broadcasts (internal/broadcast): one message sent to the contacts a
-- filter of the contacts list keeps, on one channel, now or at a time.
-- A broadcast being sent is leased work (due_at, lease_until, lease_node):
-- a node claims it, writes its next batch of recipients with their
-- messages and delivery jobs in one transaction that also moves
-- last_contact (the last contact id written), so a node killed mid-way leaves
-- the rest for the next claim and no contact gets it twice.
CREATE TABLE broadcasts (
    id            {{ID}},
    workspace_id  BIGINT NOT NULL REFERENCES workspaces(id),
    name          TEXT NOT NULL,
    channel_id    BIGINT NOT NULL REFERENCES channels(id),
    audience      TEXT NOT NULL DEFAULT '{}',
    message       TEXT NOT NULL DEFAULT '{}',
    status        TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
    scheduled_at  BIGINT NOT NULL DEFAULT 0,
    started_at    BIGINT NOT NULL DEFAULT 0,
    finished_at   BIGINT NOT NULL DEFAULT 0,
    due_at        BIGINT NOT NULL DEFAULT 0,
    last_contact  BIGINT NOT NULL DEFAULT 0,
    lease_until   BIGINT NOT NULL DEFAULT 0,
    lease_node    BIGINT NOT NULL DEFAULT 0,
    created_by    BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX broadcasts_workspace ON broadcasts (workspace_id, id);
CREATE INDEX broadcasts_due ON broadcasts (due_at) WHERE due_at > 0;

-- Who a broadcast went to: the message sent (NULL when skipped, with why).
CREATE TABLE broadcast_recipients (
    broadcast_id BIGINT NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    message_id   BIGINT,
    skipped      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (broadcast_id, contact_id)
);
CREATE INDEX broadcast_recipients_contact ON broadcast_recipients (contact_id);
CREATE INDEX broadcast_recipients_message ON broadcast_recipients (message_id) WHERE message_id IS NOT NULL;
