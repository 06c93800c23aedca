-- The contact's id on the conversation's channel that last wrote in it
-- (its contact_identities.external_id), so that replies go back to it. A
-- contact merged from two has two identities on one channel (two phone
-- numbers on one WhatsApp number): a reply used to go to the newest
-- identity, whichever the contact wrote from. Set, with channel_id, by each
-- contact message; empty for a conversation no contact message reached
-- yet (opened by a person, a workflow or the API), whose sends then go to
-- the contact's newest identity on the channel, as before.
ALTER TABLE conversations ADD COLUMN contact_external_id TEXT NOT NULL DEFAULT '';
