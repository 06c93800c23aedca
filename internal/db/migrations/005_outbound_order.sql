-- Outbound messages to one recipient (a contact on a channel) are sent in
-- the order they were written: a job is claimable only when no earlier job
-- to the same recipient is pending. The recipient is kept on the job so
-- the check is one index probe.
ALTER TABLE outbound_jobs ADD COLUMN contact_id BIGINT NOT NULL DEFAULT 0;
UPDATE outbound_jobs SET contact_id = COALESCE((SELECT m.contact_id FROM messages m WHERE m.id = outbound_jobs.message_id), 0);
CREATE INDEX outbound_jobs_recipient ON outbound_jobs (channel_id, contact_id, id) WHERE state = 'pending';
