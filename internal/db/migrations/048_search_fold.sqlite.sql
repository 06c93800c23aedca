-- search_fold is registered by the node on every SQLite connection
-- (internal/db/fold.go); PostgreSQL defines it in SQL (see
-- 048_search_fold.postgres.sql). This file keeps the two dialects'
-- versions in step.
SELECT 1;
