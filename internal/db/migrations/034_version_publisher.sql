-- Who published each workflow version (issue 11's versions panel): the
-- user, or NULL when the system or an integration token without a user
-- published it, or the version predates this column. The name is kept as
-- it was then, so a deleted or renamed user still reads as who did it.
ALTER TABLE workflow_versions ADD COLUMN published_by BIGINT;
ALTER TABLE workflow_versions ADD COLUMN published_by_name TEXT NOT NULL DEFAULT '';
