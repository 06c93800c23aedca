-- A comment's author may rewrite it: when they last did (0: never).
ALTER TABLE comments ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0;
