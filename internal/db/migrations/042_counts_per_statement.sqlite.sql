-- PostgreSQL only (see 042_counts_per_statement.postgres.sql): SQLite has
-- no statement triggers, so its row triggers (migrations 015, 023, 037)
-- stay as they are.
SELECT 1;
