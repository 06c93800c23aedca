-- A template's reference at its provider, when its API sends a template
-- by an id rather than by name and language: Twilio's Content SID (HX…)
-- for WhatsApp through Twilio. '' for WhatsApp's Cloud API, which sends
-- by name.
ALTER TABLE channel_templates ADD COLUMN ref TEXT NOT NULL DEFAULT '';
