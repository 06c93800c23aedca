-- One table of cursors for every consumer of the event log (event.Consumer):
-- the id of the last event each has handled or passed over. It replaces
-- the routing drainer's and the workflow engine's own cursor tables,
-- carrying their positions over.
CREATE TABLE event_consumers (
    name        TEXT PRIMARY KEY,
    last_id     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
INSERT INTO event_consumers (name, last_id, updated_at)
    SELECT 'routing', last_event_id, 0 FROM routing_cursor WHERE id = 1;
INSERT INTO event_consumers (name, last_id, updated_at)
    SELECT 'workflow', after_id, 0 FROM workflow_cursor WHERE name = 'engine';
DROP TABLE routing_cursor;
DROP TABLE workflow_cursor;
