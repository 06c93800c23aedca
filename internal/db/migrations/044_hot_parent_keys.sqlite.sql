-- Nothing to do on SQLite. Migration 044 drops PostgreSQL's foreign keys
-- to the workspace and the channel from the tables every message writes,
-- whose checks locked the same two rows from every connection. SQLite's
-- one writer takes no such locks, and the checks cost it nothing that
-- could be measured (docs/benchmarks-history.md, "Ingest": the node with
-- foreign keys off ran within the spread of the node with them), so it
-- keeps them. This file only gives SQLite the version, so that every
-- store numbers its migrations without a gap.
SELECT 1;
