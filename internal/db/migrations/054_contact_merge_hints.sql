-- A phone or email a contact gave that another contact of the workspace
-- already holds (a workflow's question answered with it, an Update
-- Contact Field step setting it) cannot be saved on it: contacts_phone and
-- contacts_email keep one contact per value. The pair is kept here
-- instead, for the merge suggestions to list with the pairs they find in
-- the contacts themselves (SPEC §2: a phone or email seen on two contacts
-- raises a merge suggestion). contact_id is the lower id of the two; the
-- row goes with either contact (a merge deletes the one merged away).
CREATE TABLE contact_merge_hints (
    workspace_id    BIGINT NOT NULL REFERENCES workspaces(id),
    contact_id      BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    other_id        BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    reason          TEXT NOT NULL CHECK (reason IN ('phone', 'email')),
    value           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (contact_id, other_id, reason)
);
CREATE INDEX contact_merge_hints_other ON contact_merge_hints (other_id);
CREATE INDEX contact_merge_hints_workspace ON contact_merge_hints (workspace_id);
