-- A pair of contacts someone said is not one person ("Not a duplicate" on
-- a merge suggestion): the merge suggestions never list it again, whatever
-- they find the two share (phone, email, name) or a workflow recorded
-- (contact_merge_hints). contact_id is the lower id of the two; the row
-- goes with either contact (a merge deletes the one merged away).
CREATE TABLE contact_merge_dismissals (
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id      BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    other_id        BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (contact_id, other_id)
);
CREATE INDEX contact_merge_dismissals_other ON contact_merge_dismissals (other_id);
CREATE INDEX contact_merge_dismissals_workspace ON contact_merge_dismissals (workspace_id);
