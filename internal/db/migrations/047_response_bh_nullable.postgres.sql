-- A response's time in business hours is NULL when its calendar has no
-- hours, as a conversation's first response and resolution are (028 made
-- it NOT NULL, so a workspace without hours stored 0 ms, and the
-- Responses report with hours=business averaged those zeros). Responses
-- projected before keep their 0: `switchboard reports rebuild` projects
-- them again.
ALTER TABLE report_responses ALTER COLUMN response_bh_ms DROP NOT NULL;
