-- The triggers that keep conversation_counts (migration 013) in step with
-- conversations, in the transaction of every change, whichever path makes
-- it. The only part of the inbox lists that differs between dialects.
CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, n)
    VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.team_id, 0), COALESCE(NEW.assignee_id, 0), COALESCE(NEW.channel_id, 0), NEW.opened_source, 1)
    ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND team_id = COALESCE(OLD.team_id, 0)
      AND assignee_id = COALESCE(OLD.assignee_id, 0) AND channel_id = COALESCE(OLD.channel_id, 0) AND opened_source = OLD.opened_source;
END;
CREATE TRIGGER conversation_counts_update AFTER UPDATE OF status, team_id, assignee_id, channel_id, opened_source ON conversations
WHEN OLD.status IS NOT NEW.status OR OLD.team_id IS NOT NEW.team_id OR OLD.assignee_id IS NOT NEW.assignee_id
  OR OLD.channel_id IS NOT NEW.channel_id OR OLD.opened_source IS NOT NEW.opened_source
BEGIN
    UPDATE conversation_counts SET n = n - 1
    WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND team_id = COALESCE(OLD.team_id, 0)
      AND assignee_id = COALESCE(OLD.assignee_id, 0) AND channel_id = COALESCE(OLD.channel_id, 0) AND opened_source = OLD.opened_source;
    INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, n)
    VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.team_id, 0), COALESCE(NEW.assignee_id, 0), COALESCE(NEW.channel_id, 0), NEW.opened_source, 1)
    ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source) DO UPDATE SET n = n + 1;
END;
