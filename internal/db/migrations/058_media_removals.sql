-- Files go with what references them (docs/api.md, "Media"): deleting a
-- contact deletes the files their messages named, unless another record
-- still names them (message_media, workflow_media: migration 057), and an
-- upload nothing names a day after it was made is deleted.

-- sweep_at: when an upload is looked at again (its upload + 24 h): deleted
-- if nothing references it then, else kept for good (0) and deleted with
-- what references it.
ALTER TABLE media ADD COLUMN sweep_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX media_sweep ON media (sweep_at) WHERE sweep_at > 0;

-- media_removals: the bytes of deleted files still to delete (in the
-- folder or the bucket). The file's row goes in the transaction that
-- deletes it, with one of these; the bytes after the commit, leased
-- timed work (internal/due) retried until done, so a crash or an
-- unreachable bucket leaves the work pending, never a row without bytes.
CREATE TABLE media_removals (
    id              {{ID}},
    media_id        TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    lease_node      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX media_removals_due ON media_removals (due_at);
CREATE INDEX media_removals_lease_node ON media_removals (lease_node) WHERE lease_until > 0;

-- Every file already stored is looked at as a new one is, a day after its
-- upload: at once for most, by the first pass after the upgrade. Those a
-- message or a workflow names (migration 057) are kept, the uploads
-- never sent go.
UPDATE media SET sweep_at = created_at + 86400000;
