package httpapi

import "github.com/switchboard-chat/switchboard/internal/conversation"

// searchOperations document the inbox's search of messages and of
// internal comments (messages_search.go).
var searchOperations = map[string]opDoc{
	"GET /api/v1/messages/search": {id: "searchMessages", tag: tagConversations,
		summary: "Messages whose text holds every word of q, newest first",
		desc: "Each word of q (at most 24) matches the start of a word of the text, case and accents aside: deliv finds Delivery, " +
			"commande finds Commandé; punctuation separates words, so a1234 finds #A1234 and 1234 does not. Chinese and Japanese are found by " +
			"any part of a sentence: a run of Han, Hiragana or Katakana is searched as its pairs of characters side by side (each pair counts " +
			"as a word), 京都 finds 東京都. Among the conversations the caller " +
			"may see that the list's filters keep (any status unless status is given; q and sort are the search's own). Each hit has its " +
			"message, the contact's name, the conversation's status and a snippet: the passage around the first word found, in parts, the " +
			"words found marked match. A message is found a moment after it is stored (its words are indexed after the commit). " +
			"400 when q is missing, holds no word, or more than 24.",
		query:  append(append([]param{{"q", "the words to find (at most 200 characters, 24 words)", false}}, searchFilters()...), paged...),
		status: 200, resp: page[conversation.MessageHit]{}},
	"GET /api/v1/comments/search": {id: "searchComments", tag: tagConversations,
		summary: "Internal comments whose text holds every word of q, newest first",
		desc: "Words, filters, order and paging as GET /api/v1/messages/search. Each hit has its comment, its conversation's contact " +
			"(contact_id, contact_name) and channel_id, the conversation's status and a snippet. A comment is found a moment after it is " +
			"written or edited; a deleted one is not. 400 when q is missing, holds no word, or more than 24.",
		query:  append(append([]param{{"q", "the words to find (at most 200 characters, 24 words)", false}}, searchFilters()...), paged...),
		status: 200, resp: page[conversation.CommentHit]{}},
}

// searchFilters are the conversation list's filters but its search and sort.
func searchFilters() []param {
	var out []param
	for _, p := range conversationFilters() {
		if p.name != "q" && p.name != "sort" {
			out = append(out, p)
		}
	}
	return out
}

func init() {
	for k, v := range searchOperations {
		operations[k] = v
	}
}
