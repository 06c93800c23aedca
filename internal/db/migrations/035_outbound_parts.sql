-- The provider ids of the parts of a message already delivered, as a JSON
-- array, while its job is pending: a message sent in several calls (files
-- one by one) resumes after them on a retry instead of sending them again
-- (channel.PartLog).
ALTER TABLE outbound_jobs ADD COLUMN parts TEXT NOT NULL DEFAULT '';
