-- An assignment changes a conversation's assignee and team, and SQLite
-- rewrites the entry of every index that holds either column: eight of
-- them, which made the assignment's UPDATE the costliest statement of a
-- workflow run (about 50 µs of the single writer's time; 0.4 µs without
-- those indexes' work; docs/benchmarks-history.md, "Workflows"). Two of
-- them serve no query: with EXPLAIN QUERY PLAN over every distinct
-- statement the internal packages' tests run (2,487, 572 of them on
-- conversations), none used conversations_by_assignee, and the one that
-- used conversations_by_team (the open conversations per assignee of a
-- workspace) is covered as well by conversations_by_status_contact,
-- which holds workspace, status and assignee; no other plan changes
-- without them. Saved views that conversation_counts cannot count are
-- those that filter on the contact, and go through the contact's indexes
-- or conversations_by_status_contact. SQLite keeps no statistics here
-- (no ANALYZE), so its plans do not depend on the data.
DROP INDEX conversations_by_assignee;
DROP INDEX conversations_by_team;
