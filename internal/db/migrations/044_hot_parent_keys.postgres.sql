-- The rows written for every message no longer carry a foreign key to
-- their workspace or channel on PostgreSQL (issue 14).
--
-- Why: PostgreSQL checks such a key by locking the parent row FOR KEY
-- SHARE, and here the parent is the same row for every write of a
-- workspace: each new contact, identity, conversation, message, event,
-- run and outbound job of a busy workspace locked its one workspaces row
-- and its channel's row, from every connection of every node at once.
-- Each lock by a transaction while others hold one makes a new MultiXact
-- (the list of lockers) and rewrites the row's lock mark, and every
-- later check reads that list back. auto_explain at c=64 ingest timed the
-- checks of the receive statement at 10-15 us a row, one per key: about
-- a sixth of the server's time per message. With them dropped (four
-- alternated runs of bench/ingest, same binary otherwise), one node
-- ingested 1.15x as fast and the two-node runs' lock waits went to zero.
--
-- What the keys guarded, and what guards it now: no path deletes a
-- workspace or a channel, so these NO ACTION keys only refused a row
-- naming one that does not exist.
-- Every write names the workspace and channel it read in the same
-- transaction (the channel that authenticated the webhook, the
-- conversation being answered), and the crash and fault tests check after
-- every run that no row names a missing one (crashtest's verifyStore). A
-- future deletion of workspaces or channels must delete these rows
-- itself, as it had to before to get past the keys.
--
-- Kept: the keys whose parent is per conversation or per contact (they
-- cascade a contact's deletion, and their locks are not shared by a whole
-- workspace), and every key of the tables written at human pace. SQLite
-- keeps all its keys: there a check is an index probe and locks nothing.
ALTER TABLE contacts DROP CONSTRAINT contacts_workspace_id_fkey;
ALTER TABLE contact_identities DROP CONSTRAINT contact_identities_workspace_id_fkey;
ALTER TABLE contact_identities DROP CONSTRAINT contact_identities_channel_id_fkey;
ALTER TABLE conversations DROP CONSTRAINT conversations_workspace_id_fkey;
ALTER TABLE conversations DROP CONSTRAINT conversations_channel_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_workspace_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_channel_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_workspace_id_fkey;
ALTER TABLE workflow_runs DROP CONSTRAINT workflow_runs_workspace_id_fkey;
ALTER TABLE outbound_jobs DROP CONSTRAINT outbound_jobs_channel_id_fkey;
