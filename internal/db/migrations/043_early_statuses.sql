-- A provider's status report that arrives before the record of the send
-- it reports on (issue 14). The record stores the provider's message id
-- once the provider has answered the send; a fast provider may report
-- "sent" or "delivered" for that id first, and the report found no
-- message and was dropped, though acknowledged. It is kept here instead,
-- and the node's timed work (conversation.EarlyStatusWork) applies it once
-- the record has landed, or forgets it after ten minutes: a report of a
-- message sent by something else (another app on the same number) never
-- finds one. check_at is when it is looked at next.
CREATE TABLE early_statuses (
	id                  {{ID}},
	channel_id          BIGINT NOT NULL,
	provider_message_id TEXT NOT NULL,
	status              TEXT NOT NULL,
	reason              TEXT NOT NULL DEFAULT '',
	received_at         BIGINT NOT NULL,
	check_at            BIGINT NOT NULL
);
CREATE INDEX early_statuses_check ON early_statuses (check_at);
