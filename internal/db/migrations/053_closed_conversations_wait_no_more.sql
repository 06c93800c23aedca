-- Closing a conversation now ends its wait (waiting_since back to "not
-- waiting", as migration 013 set it for the conversations closed before
-- it). Those closed between 013 and that change kept waiting for good:
-- shown with a wait and ahead of every open conversation still waiting
-- in a list sorted by waiting that holds closed ones.
UPDATE conversations SET waiting_since = 9223372036854775807
WHERE status = 'closed' AND waiting_since <> 9223372036854775807;
