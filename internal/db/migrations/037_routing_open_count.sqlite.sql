-- routing_agents.open_count: the open (or snoozed) conversations assigned
-- to the user, kept by triggers in the transaction of every change to a
-- conversation's assignee or status, whichever path makes it (assign,
-- close, reopen, merge, delete). A claim reads and conditions on this one
-- row instead of counting conversations, and on PostgreSQL the row is
-- what concurrent claims of one agent serialise on.
ALTER TABLE routing_agents ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;

INSERT INTO routing_agents (user_id, workspace_id)
SELECT DISTINCT u.id, u.workspace_id FROM conversations c JOIN users u ON u.id = c.assignee_id
WHERE c.status <> 'closed'
ON CONFLICT (user_id) DO NOTHING;

UPDATE routing_agents SET open_count = (SELECT COUNT(*) FROM conversations c
    WHERE c.assignee_id = routing_agents.user_id AND c.status <> 'closed');

CREATE TRIGGER routing_open_insert AFTER INSERT ON conversations
WHEN NEW.assignee_id IS NOT NULL AND NEW.status <> 'closed'
BEGIN
    INSERT INTO routing_agents (user_id, workspace_id, open_count) VALUES (NEW.assignee_id, NEW.workspace_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + 1;
END;

CREATE TRIGGER routing_open_delete AFTER DELETE ON conversations
WHEN OLD.assignee_id IS NOT NULL AND OLD.status <> 'closed'
BEGIN
    UPDATE routing_agents SET open_count = open_count - 1 WHERE user_id = OLD.assignee_id;
END;

CREATE TRIGGER routing_open_update AFTER UPDATE OF assignee_id, status ON conversations
WHEN OLD.assignee_id IS NOT NEW.assignee_id OR (OLD.status = 'closed') <> (NEW.status = 'closed')
BEGIN
    UPDATE routing_agents SET open_count = open_count - 1
    WHERE OLD.assignee_id IS NOT NULL AND OLD.status <> 'closed' AND user_id = OLD.assignee_id;
    INSERT INTO routing_agents (user_id, workspace_id, open_count)
    SELECT NEW.assignee_id, NEW.workspace_id, 1 WHERE NEW.assignee_id IS NOT NULL AND NEW.status <> 'closed'
    ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + 1;
END;
