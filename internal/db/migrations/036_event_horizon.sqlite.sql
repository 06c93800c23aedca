-- SQLite has one writer: event ids commit in the order they are taken,
-- so the event horizon of PostgreSQL (036_event_horizon.postgres.sql) has
-- nothing to do here. The version is recorded so both stores count alike.
SELECT 1;
