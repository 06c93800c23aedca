-- Optimistic concurrency for a workflow's draft (docs/workflows.md): two
-- managers editing one draft no longer overwrite each other silently.
-- draft_revision counts the draft's changes (each save, each publish);
-- a save or publish may name the revision it was based on (If-Match) and
-- is refused while the draft has changed since. Who changed it last and
-- when are kept to say so: the user (NULL for the system, a token
-- without a user, or a change before this column), named as they were
-- then, and the time (0: unknown, before this column).
ALTER TABLE workflows ADD COLUMN draft_revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE workflows ADD COLUMN draft_saved_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN draft_saved_by BIGINT;
ALTER TABLE workflows ADD COLUMN draft_saved_by_name TEXT NOT NULL DEFAULT '';
