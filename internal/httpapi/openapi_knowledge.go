package httpapi

import "github.com/switchboard-chat/switchboard/internal/knowledge"

const tagKnowledge = "knowledge"

// knowledgeOperations document the knowledge base (internal/knowledge).
var knowledgeOperations = map[string]opDoc{
	"GET /api/v1/knowledge/search": {id: "searchKnowledge", tag: tagKnowledge, summary: "What the AI would retrieve for a question",
		desc: "The best passage of each matching published article, best first: BM25 full-text search (diacritics folded, English and French " +
			"stop words removed, light stemming, typos within one or two letters corrected, title weighted), fused with cosine similarity " +
			"when the workspace has an embeddings model. score ranks the hits; match is the share of the question's terms the passage holds. " +
			"confidence is what retrieval mode would do: answer (strong and ahead), clarify (the top two compete) or handover.",
		query:  []param{{"q", "the question (at most 500 characters)", false}, {"limit", "hits, 1–20 (default 5)", true}},
		status: 200, resp: knowledgeSearchResult{}},
	"GET /api/v1/knowledge/articles": {id: "listKnowledgeArticles", tag: tagKnowledge, summary: "Articles, newest first",
		desc:   "Articles written in the app and documents taken from sources (source_id set).",
		query:  append([]param{{"source_id", "only this source's documents; 0 for the articles written in the app", true}}, paged...),
		status: 200, resp: page[knowledge.Article]{}},
	"POST /api/v1/knowledge/articles": {id: "createKnowledgeArticle", tag: tagKnowledge, summary: "Write an article",
		desc: "Title (at most 200 characters) and body (Markdown, at most 200,000); language a code such as en or fr; published (default true): " +
			"only published articles are searched. Cut into passages and indexed at once.",
		body: knowledge.ArticleInput{}, required: []string{"title", "body"}, status: 201, resp: knowledge.Article{}},
	"GET /api/v1/knowledge/articles/{articleID}": {id: "getKnowledgeArticle", tag: tagKnowledge, summary: "An article", status: 200, resp: knowledge.Article{}},
	"PATCH /api/v1/knowledge/articles/{articleID}": {id: "updateKnowledgeArticle", tag: tagKnowledge, summary: "Change an article",
		desc: "The fields given; reindexed at once. A source's document is changed by syncing its source (409).",
		body: knowledge.ArticleInput{}, status: 200, resp: knowledge.Article{}, errors: []int{409}},
	"DELETE /api/v1/knowledge/articles/{articleID}": {id: "deleteKnowledgeArticle", tag: tagKnowledge, summary: "Delete an article",
		desc: "A source's document goes with its source (409).", status: 204, errors: []int{409}},
	"GET /api/v1/knowledge/sources": {id: "listKnowledgeSources", tag: tagKnowledge, summary: "Files, pages and sitemaps, with their status",
		desc:   "status is ready, syncing or error (error says why the last sync failed); documents counts the articles the source gave.",
		status: 200, resp: page[knowledge.Source]{}},
	"POST /api/v1/knowledge/sources": {id: "addKnowledgeSource", tag: tagKnowledge, summary: "Add a web page or a sitemap",
		desc: "kind url (one page) or sitemap (its pages on the same host, at most 100; a sitemap index is followed one level). Fetched at once " +
			"through the guarded client (private networks refused unless the operator allows them), as the host's robots.txt allows for the " +
			"Switchboard user agent; the answer is the source with the sync's outcome in status and error.",
		body: knowledge.SourceInput{}, required: []string{"kind", "url"}, status: 201, resp: knowledge.Source{}},
	"POST /api/v1/knowledge/files": {id: "uploadKnowledgeFile", tag: tagKnowledge, summary: "Upload a file as a source",
		desc: "multipart/form-data with the file in a part named file (at most 10 MiB: 413): Markdown, plain text, HTML or PDF (the text of " +
			"simple PDFs: text shown with standard or WinAnsi fonts; scanned PDFs and fonts without a text mapping are 422). It becomes one article.",
		multipart: true, status: 201, resp: knowledge.Source{}, errors: []int{413}},
	"POST /api/v1/knowledge/sources/{sourceID}/sync": {id: "syncKnowledgeSource", tag: tagKnowledge, summary: "Fetch a web source again",
		desc: "Replaces the source's documents with what the pages say now; when every page fails, the documents are kept and status is error. " +
			"A file source is 409 (upload it again).",
		status: 200, resp: knowledge.Source{}, errors: []int{409}},
	"DELETE /api/v1/knowledge/sources/{sourceID}": {id: "deleteKnowledgeSource", tag: tagKnowledge, summary: "Delete a source and its documents", status: 204},
}

func init() {
	for k, v := range knowledgeOperations {
		operations[k] = v
	}
}
