-- search_fold is registered by the node on every SQLite connection
-- (internal/db/fold.go), folding every letter whatever the locale;
-- PostgreSQL's follows the database's locale unless told otherwise (see
-- 051_search_fold_any_locale.postgres.sql). This file keeps the two
-- dialects' versions in step.
SELECT 1;
