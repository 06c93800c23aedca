-- routing_agents.open_count: the open (or snoozed) conversations assigned
-- to the user, kept by a trigger in the transaction of every change to a
-- conversation's assignee or status, whichever path makes it (assign,
-- close, reopen, merge, delete). A claim conditions on this one row
-- (UPDATE … WHERE open_count < capacity) instead of counting
-- conversations, and concurrent claims of one agent serialise on its row
-- lock, so routing needs no store-wide write lock.
ALTER TABLE routing_agents ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;

INSERT INTO routing_agents (user_id, workspace_id)
SELECT DISTINCT u.id, u.workspace_id FROM conversations c JOIN users u ON u.id = c.assignee_id
WHERE c.status <> 'closed'
ON CONFLICT (user_id) DO NOTHING;

UPDATE routing_agents SET open_count = (SELECT COUNT(*) FROM conversations c
    WHERE c.assignee_id = routing_agents.user_id AND c.status <> 'closed');

CREATE FUNCTION routing_open_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.assignee_id IS NOT NULL AND OLD.status <> 'closed' THEN
        UPDATE routing_agents SET open_count = open_count - 1 WHERE user_id = OLD.assignee_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.assignee_id IS NOT NULL AND NEW.status <> 'closed' THEN
        INSERT INTO routing_agents (user_id, workspace_id, open_count) VALUES (NEW.assignee_id, NEW.workspace_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET open_count = routing_agents.open_count + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER routing_open_insert_delete AFTER INSERT OR DELETE ON conversations
    FOR EACH ROW EXECUTE FUNCTION routing_open_apply();
CREATE TRIGGER routing_open_update AFTER UPDATE OF assignee_id, status ON conversations
    FOR EACH ROW WHEN (OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
        OR (OLD.status = 'closed') IS DISTINCT FROM (NEW.status = 'closed'))
    EXECUTE FUNCTION routing_open_apply();
