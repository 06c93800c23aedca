-- The engine looks up a conversation's runs by status with a bound
-- parameter (status = ?), which cannot use an index whose WHERE lists the
-- statuses: every message scanned the whole runs table. A plain index on
-- (conversation_id, status) serves every such lookup on both dialects.
DROP INDEX IF EXISTS workflow_runs_conversation;
CREATE INDEX workflow_runs_conversation_status ON workflow_runs (conversation_id, status);
