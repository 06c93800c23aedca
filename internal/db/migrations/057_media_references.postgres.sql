-- The files messages and workflows name, for files to go with what names
-- them (docs/api.md, "Media"; migration 058). The references are kept in
-- link tables, written where a message or a workflow gets them, so that
-- finding them is an index read, never a read of every message's content.
--
-- message_media: a file a message's content names (any version of it:
-- an edit adds the new version's) — an attachment's media_id, an email's
-- raw_media_id, a fetch URL …/media/{id}/{key} (a workflow's attachment).
-- workspace_id is the message's: a reference counts only for a file of
-- the same workspace. No foreign key to media, and no unique key: the
-- receive path writes these rows with one multi-row INSERT (deferred, see
-- db.Tx.InsertLater) that neither a file deleted meanwhile nor a pair
-- written twice (an edit back to an earlier version) may fail.
CREATE TABLE message_media (
    message_id      BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    media_id        TEXT NOT NULL,
    workspace_id    BIGINT NOT NULL
);
CREATE INDEX message_media_message ON message_media (message_id, media_id);
CREATE INDEX message_media_media ON message_media (media_id);

-- workflow_media: a file a workflow's draft or one of its versions names
-- (a Send a Message attachment's URL): kept while the workflow is.
CREATE TABLE workflow_media (
    workflow_id     BIGINT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    media_id        TEXT NOT NULL,
    workspace_id    BIGINT NOT NULL,
    PRIMARY KEY (workflow_id, media_id)
);
CREATE INDEX workflow_media_media ON workflow_media (media_id);

-- The references the store already holds: the files the messages' content
-- (and their earlier versions) and their fetched attachments name, and
-- the files the workflows' drafts and versions name. The content is read
-- as text (a cast to jsonb would fail the migration on a row that is not
-- JSON): a media_id or raw_media_id member, or a fetch URL. (No "?" in
-- the pattern: the test that replays the migration binds placeholders.)
INSERT INTO message_media (message_id, media_id, workspace_id)
SELECT DISTINCT c.message_id, f.id, c.workspace_id FROM (
    SELECT id AS message_id, workspace_id, content FROM messages WHERE content LIKE '%media%'
    UNION ALL
    SELECT e.message_id, m.workspace_id, e.content FROM message_edits e JOIN messages m ON m.id = e.message_id
    WHERE e.content LIKE '%media%'
) c
CROSS JOIN LATERAL regexp_matches(c.content, '("raw_media_id"|"media_id"|/media/)[\s:"]{0,8}([0-9a-f]{32})', 'g') AS r(g)
JOIN media f ON f.id = r.g[2] AND f.workspace_id = c.workspace_id;

INSERT INTO message_media (message_id, media_id, workspace_id)
SELECT x.message_id, x.media_id, x.workspace_id FROM media_fetches x JOIN media f ON f.id = x.media_id AND f.workspace_id = x.workspace_id
WHERE x.media_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM message_media l WHERE l.message_id = x.message_id AND l.media_id = x.media_id);

INSERT INTO workflow_media (workflow_id, media_id, workspace_id)
SELECT DISTINCT d.workflow_id, f.id, d.workspace_id FROM (
    SELECT id AS workflow_id, workspace_id, draft AS body FROM workflows WHERE draft LIKE '%media%'
    UNION ALL
    SELECT v.workflow_id, w.workspace_id, v.definition FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
    WHERE v.definition LIKE '%media%'
) d
CROSS JOIN LATERAL regexp_matches(d.body, '("raw_media_id"|"media_id"|/media/)[\s:"]{0,8}([0-9a-f]{32})', 'g') AS r(g)
JOIN media f ON f.id = r.g[2] AND f.workspace_id = d.workspace_id
ON CONFLICT DO NOTHING;
