-- The workspace's business hours, as JSON: {"mon": [{"open": "09:00",
-- "close": "17:00"}], …}, one list of intervals per weekday, in the
-- workspace's time zone ('' or '{}': none set). Reports read them later.
ALTER TABLE workspaces ADD COLUMN business_hours TEXT NOT NULL DEFAULT '';
