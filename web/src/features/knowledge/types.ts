// The knowledge base's shapes, from the server's OpenAPI document.
import type { components } from "../../lib/api-types";

type S = components["schemas"];
export type Article = S["KnowledgeArticle"];
export type Source = S["KnowledgeSource"];
export type Hit = S["KnowledgeHit"];
export type SearchResult = S["KnowledgeSearchResult"];

export const keys = {
  articles: ["knowledge", "articles"] as const,
  sources: ["knowledge", "sources"] as const,
  search: (q: string) => ["knowledge", "search", q] as const,
};
