-- SQLite has one writer and no event horizon (see
-- 038_event_horizon_without_gate.postgres.sql); the version is recorded so
-- both stores count alike.
SELECT 1;
