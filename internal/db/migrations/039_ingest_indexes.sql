-- Every conversation a contact opens writes each index of conversations,
-- and on SQLite's single writer that is part of every webhook's cost
-- (docs/benchmarks.md, "Ingest"). Two of them serve no query another
-- does not serve as well, so they go (checked with EXPLAIN QUERY PLAN
-- over every statement the conversation, report, routing, event,
-- contact, workflow and AI packages' tests run):
--   conversations_contact (contact_id) is the prefix of
--   conversations_by_contact (contact_id, id), which serves every lookup
--   by contact the same way;
--   conversations_workspace (workspace_id, status, id) is used by no
--   query: lists sort by a time then id, and the (workspace_id, status)
--   prefix of the list indexes of migration 013 serves the rest.
DROP INDEX conversations_contact;
DROP INDEX conversations_workspace;
