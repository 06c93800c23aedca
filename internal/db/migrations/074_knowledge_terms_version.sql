-- Which version of knowledge.Terms wrote a passage's index terms: 1 cuts
-- Chinese and Japanese into pairs of characters. Passages of an older one
-- are written again once, in the background, after the upgrade
-- (knowledge.Service.UpgradeTerms).
ALTER TABLE knowledge_chunks ADD COLUMN terms_version INTEGER NOT NULL DEFAULT 0;
