-- A contact's rows in the tables that point at it without an index of
-- their own: a merge moves them to the kept contact (UPDATE … WHERE
-- contact_id = ?) and the contact page reads its timeline of events, both
-- without scanning the whole table.
CREATE INDEX events_contact ON events (contact_id, id) WHERE contact_id IS NOT NULL;
CREATE INDEX workflow_runs_contact ON workflow_runs (contact_id);
CREATE INDEX outbound_jobs_contact ON outbound_jobs (contact_id);
