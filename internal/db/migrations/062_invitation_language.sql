-- The language of an invitation's mail ('en' or 'fr'), chosen when it is
-- made, so that a resend is written in it too. Invitations made before
-- were mailed in English.
ALTER TABLE invitations ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
