-- The counters kept by triggers on conversations, counted once per
-- statement rather than once per row when conversations are inserted or
-- deleted (issue 14).
--
-- A receive batch opens its new conversations with one multi-row INSERT.
-- The row triggers of migrations 037 and 038 then ran a PL/pgSQL function
-- per row: each new conversation of one group upserted the same
-- conversation_counts row again, in the same transaction, so every upsert
-- walked the versions the earlier ones had left (none prunable before the
-- commit). auto_explain at c=64 ingest showed it as the costliest trigger
-- of the statement that opens conversations; timed alone
-- (bench/ingest/counts_triggers.sh: 2,000 INSERTs of 32 conversations,
-- fsync on), it took 0.64-0.87x as long with the statement triggers below
-- as with the row triggers (0.75x over four rounds). Statement triggers see the
-- inserted (or deleted) rows as a transition table and upsert each group
-- once, with the group's number; an empty statement counts nothing and
-- takes no slot. Updates keep their row triggers: PostgreSQL gives no
-- transition table to a trigger on a column list, and an update (assign,
-- close) changes one conversation at a time.
CREATE FUNCTION conversation_counts_apply_rows() RETURNS trigger AS $$
DECLARE
    s SMALLINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM new_rows WHERE is_test = 0) THEN
            RETURN NULL;
        END IF;
        s := conversation_counts_slot();
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot, n)
        SELECT workspace_id, status, COALESCE(team_id, 0), COALESCE(assignee_id, 0), COALESCE(channel_id, 0), opened_source, s, COUNT(*)
        FROM new_rows WHERE is_test = 0
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot) DO UPDATE SET n = conversation_counts.n + EXCLUDED.n;
    ELSE
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE is_test = 0) THEN
            RETURN NULL;
        END IF;
        s := conversation_counts_slot();
        INSERT INTO conversation_counts (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot, n)
        SELECT workspace_id, status, COALESCE(team_id, 0), COALESCE(assignee_id, 0), COALESCE(channel_id, 0), opened_source, s, -COUNT(*)
        FROM old_rows WHERE is_test = 0
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        ON CONFLICT (workspace_id, status, team_id, assignee_id, channel_id, opened_source, slot) DO UPDATE SET n = conversation_counts.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER conversation_counts_insert_delete ON conversations;
CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION conversation_counts_apply_rows();
CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION conversation_counts_apply_rows();

-- routing_agents.open_count (037) the same way: a new conversation rarely
-- has an assignee, but the row trigger's function ran for every one. The
-- agents' rows are taken in user id order, as claims take them.
CREATE FUNCTION routing_open_apply_rows() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO routing_agents (user_id, workspace_id, open_count)
        SELECT assignee_id, MIN(workspace_id), COUNT(*) FROM new_rows
        WHERE assignee_id IS NOT NULL AND status <> 'closed'
        GROUP BY assignee_id ORDER BY assignee_id
        ON CONFLICT (user_id) DO UPDATE SET open_count = routing_agents.open_count + EXCLUDED.open_count;
    ELSE
        UPDATE routing_agents a SET open_count = a.open_count - d.n
        FROM (SELECT assignee_id, COUNT(*) AS n FROM old_rows
              WHERE assignee_id IS NOT NULL AND status <> 'closed' GROUP BY assignee_id) d
        WHERE a.user_id = d.assignee_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER routing_open_insert_delete ON conversations;
CREATE TRIGGER routing_open_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_open_apply_rows();
CREATE TRIGGER routing_open_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_open_apply_rows();
