-- Migration 046 drops PostgreSQL's foreign key from contacts to their
-- lifecycle stage (see 046_stage_key.postgres.sql). SQLite keeps it: a
-- check there is an index probe and locks nothing. This file keeps the
-- two dialects' versions in step.
SELECT 1;
