-- The search indexes cut Chinese and Japanese text into pairs of
-- characters now (knowledge.Words): both are read again from the log's
-- first event by their consumers, which replace each row's words as they
-- go (searches keep finding what the old words found meanwhile).
UPDATE event_consumers SET last_id = 0 WHERE name IN ('message_search', 'comment_search');
