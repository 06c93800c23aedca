-- SQLite has one writer: no event horizon and no count slots (see
-- 038_lock_queues.postgres.sql). The version is recorded so both stores
-- count alike.
SELECT 1;
