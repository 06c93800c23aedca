-- The triggers that keep conversation_counts (migration 013) in step with
-- conversations, in the transaction of every change, whichever path makes
-- it. The only part of the inbox lists that differs between dialects.
-- PostgreSQL: one PL/pgSQL function serves the three triggers.
CREATE FUNCTION conversation_counts_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE conversation_counts SET n = n - 1
        WHERE workspace_id = OLD.workspace_id AND status = OLD.status AND team_id = COALESCE(OLD.team_id, 0)
          AND assignee_id = COALESCE(OLD.assignee_id, 0) AND channel_id = COALESCE(OLD.channel_id, 0) AND opened_source = OLD.opened_source;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, n)
        VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.team_id, 0), COALESCE(NEW.assignee_id, 0), COALESCE(NEW.channel_id, 0), NEW.opened_source, 1)
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source) DO UPDATE SET n = conversation_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER conversation_counts_insert_delete AFTER INSERT OR DELETE ON conversations
    FOR EACH ROW EXECUTE FUNCTION conversation_counts_apply();
CREATE TRIGGER conversation_counts_update AFTER UPDATE OF status, team_id, assignee_id, channel_id, opened_source ON conversations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.team_id IS DISTINCT FROM NEW.team_id
        OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
        OR OLD.opened_source IS DISTINCT FROM NEW.opened_source)
    EXECUTE FUNCTION conversation_counts_apply();
