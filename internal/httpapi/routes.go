package httpapi

import (
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/report"
)

// table is the route table: method, pattern, and who may call it. Health
// probes and channel webhooks sit at the root; everything else under
// /api/v1 with a bearer token.
func (s *Server) table() []Route {
	r := func(method, pattern string, h http.Handler) Route { return Route{method, pattern, h} }
	routes := []Route{
		r("GET", "/healthz", public(s.healthz)),
		r("GET", "/readyz", public(s.readyz)),
		r("GET", "/metrics", public(s.metrics)),
		r("GET", "/api/openapi.json", public(s.openAPI)),

		// Auth answers are never cached: they hold tokens or who you are.
		r("POST", "/api/v1/auth/login", public(noStore(s.login))),
		r("POST", "/api/v1/auth/session", public(noStore(s.browserLogin))),
		r("POST", "/api/v1/auth/password-reset", public(noStore(s.requestPasswordReset))),
		r("POST", "/api/v1/auth/password-reset/confirm", public(noStore(s.confirmPasswordReset))),
		r("GET", "/api/v1/auth/csrf", s.authed(anyone, noStore(s.csrf))),
		r("POST", "/api/v1/auth/logout", s.authed(anyone, noStore(s.logout))),
		r("POST", "/api/v1/auth/logout-all", s.authed(anyone, noStore(s.logoutAll))),
		r("GET", "/api/v1/me", s.authed(anyone, noStore(s.me))),
		r("GET", "/api/v1/me/sessions", s.authed(anyone, noStore(s.listSessions))),
		r("DELETE", "/api/v1/me/sessions/{sessionID}", s.authed(anyone, noStore(s.endSession))),
		r("PUT", "/api/v1/me/password", s.authed(anyone, noStore(s.changePassword))),
		r("POST", "/api/v1/me/two-factor", s.authed(anyone, noStore(s.beginTwoFactor))),
		r("POST", "/api/v1/me/two-factor/confirm", s.authed(anyone, noStore(s.confirmTwoFactor))),
		r("POST", "/api/v1/me/two-factor/disable", s.authed(anyone, noStore(s.disableTwoFactor))),
		r("POST", "/api/v1/me/two-factor/recovery-codes", s.authed(anyone, noStore(s.newRecoveryCodes))),
		r("GET", "/api/v1/me/notifications", s.authed(anyone, s.listNotifications)),
		r("GET", "/api/v1/me/notifications/count", s.authed(anyone, s.countNotifications)),
		r("POST", "/api/v1/me/notifications/read", s.authed(anyone, s.markNotificationsRead)),
		r("GET", "/api/v1/me/notification-settings", s.authed(anyone, s.getNotificationSettings)),
		r("PUT", "/api/v1/me/notification-settings", s.authed(anyone, s.putNotificationSettings)),
		r("GET", "/api/v1/me/views", s.authed(anyone, s.listViews)),
		r("POST", "/api/v1/me/views", s.authed(anyone, s.createView)),
		r("GET", "/api/v1/me/views/{viewID}", s.authed(anyone, s.getView)),
		r("PUT", "/api/v1/me/views/{viewID}", s.authed(anyone, s.updateView)),
		r("DELETE", "/api/v1/me/views/{viewID}", s.authed(anyone, s.deleteView)),

		r("GET", "/api/v1/conversations", s.authed(anyone, s.listConversations)),
		r("POST", "/api/v1/conversations", s.authed(anyone, s.openConversation)),
		r("GET", "/api/v1/conversations/counts", s.authed(anyone, s.conversationCounts)),
		r("POST", "/api/v1/conversations/bulk", s.authed(anyone, s.bulkConversationsHandler)),
		r("GET", "/api/v1/conversations/{conversationID}", s.authed(anyone, s.getConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/close", s.authed(anyone, s.closeConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/assign", s.authed(anyone, s.assignConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/unassign", s.authed(anyone, s.unassignConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/snooze", s.authed(anyone, s.snoozeConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/unsnooze", s.authed(anyone, s.unsnoozeConversation)),
		r("POST", "/api/v1/conversations/{conversationID}/read", s.authed(anyone, s.markRead)),
		r("DELETE", "/api/v1/conversations/{conversationID}/read", s.authed(anyone, s.markUnread)),
		r("GET", "/api/v1/conversations/{conversationID}/messages", s.authed(anyone, s.listMessages)),
		r("POST", "/api/v1/conversations/{conversationID}/messages", s.authed(anyone, s.sendMessage)),
		r("GET", "/api/v1/conversations/{conversationID}/comments", s.authed(anyone, s.listComments)),
		r("POST", "/api/v1/conversations/{conversationID}/comments", s.authed(anyone, s.addComment)),
		r("GET", "/api/v1/conversations/{conversationID}/comments/{commentID}", s.authed(anyone, s.getComment)),
		r("PATCH", "/api/v1/conversations/{conversationID}/comments/{commentID}", s.authed(anyone, s.editComment)),
		r("DELETE", "/api/v1/conversations/{conversationID}/comments/{commentID}", s.authed(anyone, s.deleteComment)),
		r("GET", "/api/v1/conversations/{conversationID}/events", s.authed(anyone, s.conversationEvents)),
		r("GET", "/api/v1/messages/search", s.authed(anyone, s.searchMessages)),
		r("GET", "/api/v1/comments/search", s.authed(anyone, s.searchComments)),
		r("GET", "/api/v1/messages/{messageID}", s.authed(anyone, s.getMessage)),
		r("POST", "/api/v1/messages/{messageID}/retry", s.authed(anyone, s.retryMessage)),

		r("GET", "/api/v1/contacts", s.authed(anyone, s.listContacts)),
		r("POST", "/api/v1/contacts", s.authed(anyone, s.createContact)),
		r("POST", "/api/v1/contacts/upsert", s.authed(anyone, s.upsertContact)),
		// A bulk action (delete needs delete_contacts) and the count it would reach.
		r("POST", "/api/v1/contacts/bulk", s.authed(anyone, s.bulkContacts)),
		r("GET", "/api/v1/contacts/count", s.authed(anyone, s.countContacts)),
		r("GET", "/api/v1/contacts/{contactID}", s.authed(anyone, s.getContact)),
		r("PATCH", "/api/v1/contacts/{contactID}", s.authed(anyone, s.updateContact)),
		// Deleting needs the delete_contacts permission (contact.Delete).
		r("DELETE", "/api/v1/contacts/{contactID}", s.authed(anyone, s.deleteContact)),
		r("POST", "/api/v1/contacts/{contactID}/tags", s.authed(anyone, s.addContactTag)),
		r("DELETE", "/api/v1/contacts/{contactID}/tags/{tag}", s.authed(anyone, s.removeContactTag)),
		r("PUT", "/api/v1/contacts/{contactID}/lifecycle", s.authed(anyone, s.setContactLifecycle)),
		r("GET", "/api/v1/contacts/{contactID}/conversations", s.authed(anyone, s.listContactConversations)),
		// Contacts: merge and dismiss a suggestion (need delete_contacts), import and export (needs export_contacts).
		r("GET", "/api/v1/contacts/merge-suggestions", s.authed(anyone, s.contactMergeSuggestions)),
		r("POST", "/api/v1/contacts/merge-suggestions/dismiss", s.authed(anyone, s.dismissMergeSuggestion)),
		r("GET", "/api/v1/contacts/merge-suggestions/dismissed", s.authed(anyone, s.mergeDismissals)),
		r("POST", "/api/v1/contacts/merge-suggestions/restore", s.authed(anyone, s.restoreMergeSuggestion)),
		r("POST", "/api/v1/contacts/{contactID}/merge", s.authed(anyone, s.mergeContact)),
		r("POST", "/api/v1/contacts/{contactID}/block", s.authed(anyone, s.blockContact(true))),
		r("POST", "/api/v1/contacts/{contactID}/unblock", s.authed(anyone, s.blockContact(false))),
		r("POST", "/api/v1/contacts/import", s.authed(anyone, s.importContacts)),
		r("GET", "/api/v1/contacts/export", s.authed(anyone, s.exportContacts)),
		r("GET", "/api/v1/contacts/{contactID}/events", s.authed(anyone, s.contactEvents)),

		r("GET", "/api/v1/custom-fields", s.authed(anyone, s.listFields)),
		r("POST", "/api/v1/custom-fields", s.authed(managers, s.createField)),
		r("DELETE", "/api/v1/custom-fields/{fieldID}", s.authed(managers, s.deleteField)),
		r("GET", "/api/v1/tags", s.authed(anyone, s.listTags)),
		r("POST", "/api/v1/tags", s.authed(anyone, s.createTag)),
		r("DELETE", "/api/v1/tags/{tagID}", s.authed(managers, s.deleteTag)),
		r("GET", "/api/v1/lifecycle-stages", s.authed(anyone, s.listStages)),
		r("GET", "/api/v1/closing-categories", s.authed(anyone, s.listCategories)),
		r("POST", "/api/v1/closing-categories", s.authed(managers, s.createCategory)),
		r("DELETE", "/api/v1/closing-categories/{categoryID}", s.authed(managers, s.deleteCategory)),

		// The composer: everyone uses snippets, managers write them;
		// everyone uploads and reads the workspace's media. An attachment
		// sent to a contact is fetched by the channel's integrator with
		// the file's key instead of a token.
		r("GET", "/api/v1/snippets", s.authed(anyone, s.listSnippets)),
		r("POST", "/api/v1/snippets", s.authed(managers, s.createSnippet)),
		r("GET", "/api/v1/snippets/{snippetID}", s.authed(anyone, s.getSnippet)),
		r("PATCH", "/api/v1/snippets/{snippetID}", s.authed(managers, s.updateSnippet)),
		r("DELETE", "/api/v1/snippets/{snippetID}", s.authed(managers, s.deleteSnippet)),
		r("POST", "/api/v1/media", s.authed(anyone, s.uploadMedia)),
		r("GET", "/api/v1/media/{media}", s.authed(anyone, s.getMedia)),
		r("GET", "/media/{media}/{key}", public(s.fetchMedia)),

		// Broadcasts: owners and managers send one message to many
		// contacts (internal/broadcast).
		r("GET", "/api/v1/broadcasts", s.authed(managers, s.listBroadcasts)),
		r("POST", "/api/v1/broadcasts", s.authed(managers, s.createBroadcast)),
		r("POST", "/api/v1/broadcasts/audience", s.authed(managers, s.estimateBroadcast)),
		r("GET", "/api/v1/broadcasts/{broadcastID}", s.authed(managers, s.getBroadcast)),
		r("PATCH", "/api/v1/broadcasts/{broadcastID}", s.authed(managers, s.updateBroadcast)),
		r("DELETE", "/api/v1/broadcasts/{broadcastID}", s.authed(managers, s.deleteBroadcast)),
		r("POST", "/api/v1/broadcasts/{broadcastID}/send", s.authed(managers, s.sendBroadcast)),
		r("POST", "/api/v1/broadcasts/{broadcastID}/cancel", s.authed(managers, s.cancelBroadcast)),
		r("GET", "/api/v1/broadcasts/{broadcastID}/recipients", s.authed(managers, s.listBroadcastRecipients)),
		// Everyone who may see a contact sees what broadcasts reached them.
		r("GET", "/api/v1/contacts/{contactID}/broadcasts", s.authed(anyone, s.contactBroadcasts)),

		// The knowledge base: managers and owners write articles and
		// sources, everyone searches it (what the AI would retrieve).
		r("GET", "/api/v1/knowledge/search", s.authed(anyone, s.searchKnowledge)),
		r("GET", "/api/v1/knowledge/articles", s.authed(anyone, s.listKnowledgeArticles)),
		r("POST", "/api/v1/knowledge/articles", s.authed(managers, s.createKnowledgeArticle)),
		r("GET", "/api/v1/knowledge/articles/{articleID}", s.authed(anyone, s.getKnowledgeArticle)),
		r("PATCH", "/api/v1/knowledge/articles/{articleID}", s.authed(managers, s.updateKnowledgeArticle)),
		r("DELETE", "/api/v1/knowledge/articles/{articleID}", s.authed(managers, s.deleteKnowledgeArticle)),
		r("GET", "/api/v1/knowledge/sources", s.authed(managers, s.listKnowledgeSources)),
		r("POST", "/api/v1/knowledge/sources", s.authed(managers, s.addKnowledgeSource)),
		r("POST", "/api/v1/knowledge/files", s.authed(managers, s.uploadKnowledgeFile)),
		r("POST", "/api/v1/knowledge/sources/{sourceID}/sync", s.authed(managers, s.syncKnowledgeSource)),
		r("DELETE", "/api/v1/knowledge/sources/{sourceID}", s.authed(managers, s.deleteKnowledgeSource)),

		// Agents may read people and channels (to assign, mention and
		// transfer); changing them is for managers. Users may change
		// themselves: updateUser checks who changes what.
		r("GET", "/api/v1/users", s.authed(anyone, s.listUsers)),
		r("POST", "/api/v1/users", s.authed(managers, s.createUser)),
		r("GET", "/api/v1/users/{userID}", s.authed(anyone, s.getUser)),
		r("PATCH", "/api/v1/users/{userID}", s.authed(anyone, s.updateUser)),
		r("DELETE", "/api/v1/users/{userID}", s.authed(managers, s.deleteUser)),
		r("POST", "/api/v1/users/{userID}/deactivate", s.authed(managers, s.deactivateUser)),
		r("POST", "/api/v1/users/{userID}/reactivate", s.authed(managers, s.reactivateUser)),
		r("GET", "/api/v1/teams", s.authed(anyone, s.listTeams)),
		r("POST", "/api/v1/teams", s.authed(managers, s.createTeam)),
		r("GET", "/api/v1/teams/{teamID}", s.authed(anyone, s.getTeam)),
		r("PATCH", "/api/v1/teams/{teamID}", s.authed(managers, s.updateTeam)),
		r("DELETE", "/api/v1/teams/{teamID}", s.authed(managers, s.deleteTeam)),
		r("GET", "/api/v1/channels", s.authed(anyone, noStore(s.listChannels))),
		r("POST", "/api/v1/channels", s.authed(managers, noStore(s.createChannel))),
		r("GET", "/api/v1/channels/{channelID}", s.authed(anyone, noStore(s.getChannel))),
		r("PATCH", "/api/v1/channels/{channelID}", s.authed(managers, noStore(s.updateChannel))),
		r("POST", "/api/v1/channels/{channelID}/rotate-token", s.authed(managers, noStore(s.rotateChannelToken))),
		r("GET", "/api/v1/channel-types", s.authed(anyone, s.listChannelTypes)),
		r("POST", "/api/v1/channels/{channelID}/connect", s.authed(managers, noStore(s.connectChannel))),
		// A channel's message templates (channel_templates.go): everyone
		// who sees the channel reads them; managers sync them.
		r("GET", "/api/v1/channels/{channelID}/templates", s.authed(anyone, s.listChannelTemplates)),
		r("POST", "/api/v1/channels/{channelID}/templates/sync", s.authed(managers, s.syncChannelTemplates)),

		r("GET", "/api/v1/tokens", s.authed(owners, noStore(s.listTokens))),
		r("POST", "/api/v1/tokens", s.authed(owners, noStore(s.createToken))),
		r("DELETE", "/api/v1/tokens/{tokenID}", s.authed(owners, s.deleteToken)),
		// Invitations (issue 10): owners and managers invite by link; the
		// invitee, signed out, previews and accepts it (rate-limited like
		// sign-in; the answer sets the session cookie).
		r("GET", "/api/v1/invitations", s.authed(managers, noStore(s.listInvitations))),
		r("POST", "/api/v1/invitations", s.authed(managers, noStore(s.createInvitation))),
		r("DELETE", "/api/v1/invitations/{invitationID}", s.authed(managers, s.revokeInvitation)),
		r("POST", "/api/v1/invitations/{invitationID}/resend", s.authed(managers, noStore(s.resendInvitation))),
		r("POST", "/api/v1/invitations/preview", public(noStore(s.previewInvitation))),
		// A contact's satisfaction survey (surveys.go): its token is the
		// credential; the website widget calls it from its site's pages.
		r("GET", "/api/v1/surveys/{token}", anyOrigin(public(noStore(s.getSurvey)))),
		r("POST", "/api/v1/surveys/{token}", anyOrigin(public(noStore(s.rateSurvey)))),
		r("OPTIONS", "/api/v1/surveys/{token}", anyOrigin(public(surveyPreflight))),
		r("POST", "/api/v1/invitations/accept", public(noStore(s.acceptInvite))),

		r("GET", "/api/v1/workspace", s.authed(anyone, s.getWorkspace)),
		// Managers run the workspace; what each role may do is the owners'.
		r("PATCH", "/api/v1/workspace", s.authed(managers, s.updateWorkspace)),

		// Reports (issue 13, reports.go): owners and managers only.
		r("GET", "/api/v1/reports/conversations", s.authed(managers, reportHandler(s, "conversations", (*report.Service).Conversations))),
		r("GET", "/api/v1/reports/responses", s.authed(managers, reportHandler(s, "responses", (*report.Service).Responses))),
		r("GET", "/api/v1/reports/resolutions", s.authed(managers, reportHandler(s, "resolutions", (*report.Service).Resolutions))),
		r("GET", "/api/v1/reports/assignments", s.authed(managers, reportHandler(s, "assignments", (*report.Service).Assignments))),
		r("GET", "/api/v1/reports/users", s.authed(managers, reportHandler(s, "users", (*report.Service).Users))),
		r("GET", "/api/v1/reports/teams", s.authed(managers, reportHandler(s, "teams", (*report.Service).Teams))),
		r("GET", "/api/v1/reports/leaderboard", s.authed(managers, reportHandler(s, "leaderboard", (*report.Service).Leaderboard))),
		r("GET", "/api/v1/reports/messages", s.authed(managers, reportHandler(s, "messages", (*report.Service).Messages))),
		r("GET", "/api/v1/reports/contacts", s.authed(managers, reportHandler(s, "contacts", (*report.Service).Contacts))),
		r("GET", "/api/v1/reports/workflows", s.authed(managers, reportHandler(s, "workflows", (*report.Service).Workflows))),
		r("GET", "/api/v1/reports/satisfaction", s.authed(managers, reportHandler(s, "satisfaction", (*report.Service).Satisfaction))),
		r("GET", "/api/v1/reports/satisfaction/responses", s.authed(managers, s.satisfactionResponses)),
		r("GET", "/api/v1/reports/now", s.authed(managers, noStore(s.reportNow))),
		r("GET", "/api/v1/reports/{report}/export", s.authed(managers, s.exportReport)),
		r("GET", "/api/v1/reports/settings", s.authed(managers, s.getReportSettings)),
		r("PUT", "/api/v1/reports/settings", s.authed(managers, s.updateReportSettings)),

		// Workflows are built by owners and managers; agents run shortcuts.
		// The incoming webhook authenticates with the workflow's secret.
		r("GET", "/api/v1/workflows", s.authed(managers, s.listWorkflows)),
		r("POST", "/api/v1/workflows", s.authed(managers, s.createWorkflow)),
		r("GET", "/api/v1/workflows/schema", s.authed(anyone, s.workflowSchema)),
		// The builder's list: import, duplicate, templates (workflow_admin.go).
		r("POST", "/api/v1/workflows/import", s.authed(managers, s.importWorkflow)),
		r("POST", "/api/v1/workflows/{workflowID}/duplicate", s.authed(managers, s.duplicateWorkflow)),
		r("GET", "/api/v1/workflows/{workflowID}/stats", s.authed(managers, s.workflowStats)),
		r("GET", "/api/v1/workflow-templates", s.authed(managers, s.listWorkflowTemplates)),
		r("GET", "/api/v1/shortcuts", s.authed(anyone, s.listShortcuts)),
		r("GET", "/api/v1/workflows/{workflowID}", s.authed(managers, s.getWorkflow)),
		r("PUT", "/api/v1/workflows/{workflowID}", s.authed(managers, s.saveWorkflowDraft)),
		r("DELETE", "/api/v1/workflows/{workflowID}", s.authed(managers, s.deleteWorkflow)),
		r("POST", "/api/v1/workflows/{workflowID}/publish", s.authed(managers, s.publishWorkflow)),
		r("POST", "/api/v1/workflows/{workflowID}/start", s.authed(managers, s.startWorkflow)),
		r("POST", "/api/v1/workflows/{workflowID}/stop", s.authed(managers, s.stopWorkflow)),
		r("GET", "/api/v1/workflows/{workflowID}/runs", s.authed(managers, s.listWorkflowRuns)),
		r("POST", "/api/v1/workflows/{workflowID}/runs", s.authed(anyone, s.startWorkflowRun)),
		r("GET", "/api/v1/workflows/{workflowID}/runs/{runID}", s.authed(managers, s.getWorkflowRun)),
		r("POST", "/api/v1/workflows/{workflowID}/runs/{runID}/stop", s.authed(managers, s.stopWorkflowRun)),
		// The builder's test panel: the caller chats as their test contact
		// (workflow_testchat.go).
		r("GET", "/api/v1/workflows/{workflowID}/test", s.authed(managers, s.getWorkflowTest)),
		r("POST", "/api/v1/workflows/{workflowID}/test", s.authed(managers, s.startWorkflowTest)),
		r("POST", "/api/v1/workflows/{workflowID}/test/messages", s.authed(managers, s.sendWorkflowTestMessage)),
		r("POST", "/api/v1/workflows/{workflowID}/test/run", s.authed(managers, s.runWorkflowTest)),
		r("POST", "/api/v1/workflows/{workflowID}/test/reset", s.authed(managers, s.resetWorkflowTest)),
		// The builder's versions panel (workflow_versions.go).
		r("GET", "/api/v1/workflows/{workflowID}/versions", s.authed(managers, s.listWorkflowVersions)),
		r("GET", "/api/v1/workflows/{workflowID}/versions/{version}", s.authed(managers, s.getWorkflowVersion)),
		r("PUT", "/api/v1/workflow-settings", s.authed(owners, s.updateWorkflowSettings)),
		r("POST", "/workflows/{workflowID}/webhook", public(s.workflowWebhook)),

		// Routing: everyone reports their own presence; managers set
		// capacity and the routing settings.
		r("GET", "/api/v1/presence", s.authed(anyone, s.listPresence)),
		r("PUT", "/api/v1/presence", s.authed(anyone, s.setPresenceStatus)),
		r("POST", "/api/v1/presence/heartbeat", s.authed(anyone, s.heartbeat)),
		r("POST", "/api/v1/presence/sign-out", s.authed(anyone, s.signOutDevice)),
		r("PUT", "/api/v1/users/{userID}/capacity", s.authed(managers, s.setUserCapacity)),
		r("GET", "/api/v1/routing/settings", s.authed(anyone, s.getRoutingSettings)),
		r("PATCH", "/api/v1/routing/settings", s.authed(managers, s.updateRoutingSettings)),
		r("GET", "/api/v1/routing/queues", s.authed(anyone, s.listQueues)),
		r("POST", "/api/v1/conversations/{conversationID}/route", s.authed(anyone, s.routeConversation)),

		r("GET", "/api/v1/events", s.authed(anyone, s.listEvents)),
		r("GET", "/api/v1/events/stream", s.authed(anyone, s.streamEvents)),
		r("GET", "/api/v1/live", s.authed(anyone, s.serveLive)),
	}
	// The settings screens' routes (settings_routes.go).
	routes = append(routes, s.settingsRoutes()...)
	// Outgoing webhooks (webhooks.go).
	routes = append(routes, s.webhookRoutes()...)
	// The AI settings and intents (ai.go).
	routes = append(routes, s.aiRoutes()...)
	routes = append(routes, s.aiAgentRoutes()...)
	routes = append(routes, s.aiHelpRoutes()...)
	// Channel webhooks, mounted from the providers' registry, authenticate
	// with the channel's own credentials.
	for _, wh := range s.deps.Webhooks {
		routes = append(routes, r(wh.Method, wh.Pattern, wh.Handler))
	}
	return routes
}

func notFoundRoute(r *http.Request) error {
	return apperr.NotFound("route " + r.Method + " " + r.URL.Path)
}
