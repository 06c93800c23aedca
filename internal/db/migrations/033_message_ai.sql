-- AI help for human agents (issue 15 §4): a message written with AI is
-- marked, so the timeline can say so and reports do not count it as a
-- person's response. NULL: written by a person (or a workflow, the API).
-- 'draft': an agent sent it from an AI draft, rewrite or translation, even
-- edited. 'agent': an AI agent member wrote it (whoever sends on an AI
-- agent's behalf must set it). The report projection's rule is "ai IS NOT
-- NULL is never a human response" (the message.sent event carries it).
ALTER TABLE messages ADD COLUMN ai TEXT CHECK (ai IN ('draft', 'agent'));
