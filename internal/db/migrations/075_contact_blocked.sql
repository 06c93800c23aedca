-- A blocked contact (spam, abuse): when and by whom (a user id, 0 for a
-- workspace token). Their messages are stored, once, but open no
-- conversation (conversation.Receive).
ALTER TABLE contacts ADD COLUMN blocked_at BIGINT;
ALTER TABLE contacts ADD COLUMN blocked_by BIGINT NOT NULL DEFAULT 0;
