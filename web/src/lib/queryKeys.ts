// Query keys, by resource. Socket events update or invalidate exactly the
// keys they touch (eventKeys.ts), so every key the app uses is named here.
export const qk = {
  me: ["me"] as const,
  conversations: ["conversations"] as const, // every list: ["conversations", filter]
  conversationList: (filter: object) => ["conversations", filter] as const,
  counts: ["counts"] as const, // ["counts", filter]
  messageSearch: (params: object) => ["messageSearch", params] as const, // GET /api/v1/messages/search: a snapshot, not followed live
  noteSearch: (params: object) => ["noteSearch", params] as const, // GET /api/v1/comments/search: likewise
  conversation: (id: number) => ["conversation", id] as const,
  messages: (id: number) => ["conversation", id, "messages"] as const,
  comments: (id: number) => ["conversation", id, "comments"] as const,
  conversationEvents: (id: number) => ["conversation", id, "events"] as const,
  aiHelp: (id: number) => ["conversation", id, "ai"] as const, // GET /api/v1/conversations/{id}/ai: a model? the contact's language
  contact: (id: number) => ["contact", id] as const,
  sessions: ["me", "sessions"] as const, // GET /api/v1/me/sessions (the account page)
  notificationSettings: ["me", "notification-settings"] as const, // GET /api/v1/me/notification-settings (the account page)
  contactConversations: (id: number) => ["contact", id, "conversations"] as const,
  contactEvents: (id: number) => ["contact", id, "events"] as const,
  contactBroadcasts: (id: number) => ["contact", id, "broadcasts"] as const, // GET /api/v1/contacts/{id}/broadcasts (the inbox's contact panel)
  contacts: ["contacts"] as const, // every contacts list: ["contacts", filter]; merge suggestions: ["contacts", "merge-suggestions"]
  contactList: (filter: object) => ["contacts", filter] as const,
  contactCount: (filter: object) => ["contacts", "count", filter] as const,
  mergeSuggestions: ["contacts", "merge-suggestions"] as const,
  mergeDismissals: ["contacts", "merge-suggestions", "dismissed"] as const, // under mergeSuggestions: invalidated with it
  users: ["users"] as const,
  teams: ["teams"] as const,
  presence: ["presence"] as const,
  views: ["views"] as const,
  notifications: ["notifications"] as const,
  snippets: ["snippets"] as const,
  fields: ["fields"] as const,
  tags: ["tags"] as const,
  stages: ["stages"] as const,
  categories: ["categories"] as const,
  channels: ["channels"] as const,
  channelTypes: ["channelTypes"] as const,
  channelTemplates: (id: number) => ["channels", id, "templates"] as const, // GET /api/v1/channels/{id}/templates (the composer outside the window)
  channelTemplateList: (id: number) => ["channels", id, "templates", "all"] as const, // the same, every status (Settings › Channels)
  shortcuts: ["shortcuts"] as const, // GET /api/v1/shortcuts (agents' shortcut workflows)
  workflows: ["workflows"] as const,
  workflowRuns: (id: number) => ["workflows", id, "runs"] as const, // every runs list of a workflow: ["workflows", id, "runs", status]
  workflowSchema: ["workflowSchema"] as const, // GET /api/v1/workflows/schema (the builder's step drawer)
  routingSettings: ["routingSettings"] as const, // GET /api/v1/routing/settings (settings › workspace)
  workspace: ["workspace"] as const, // GET /api/v1/workspace (settings › workspace: the satisfaction survey, which says whether this server can send it)
  invitations: ["invitations"] as const, // GET /api/v1/invitations (settings: users)
  tokens: ["tokens"] as const, // GET /api/v1/tokens (settings: API tokens)
  reports: ["reports"] as const, // every report: ["reports", name, query] (GET /api/v1/reports/{name}); the live figures: ["reports", "now", {}]
  report: (name: string, query: object) => ["reports", name, query] as const,
  survey: (token: string) => ["survey", token] as const, // GET /api/v1/surveys/{token} (the contact's rating page, signed out)
  knowledge: ["knowledge"] as const, // every knowledge list: ["knowledge", "articles" | "sources"]; searches: ["knowledge", "search", q]
};
