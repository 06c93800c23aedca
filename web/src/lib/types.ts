// Names for the API's schemas, generated from the server's OpenAPI
// document (api-types.ts; `npm run api-types`): the server is the single
// source of truth for every shape the app reads.
import type { components } from "./api-types";

type S = components["schemas"];
export type WhoAmI = S["WhoAmI"];
export type User = S["WorkspaceUser"];
export type Team = S["WorkspaceTeam"];
export type Conversation = S["Conversation"];
export type ConversationCounts = S["ConversationCounts"];
export type ConversationView = S["ConversationView"];
export type ConversationListFilter = S["ConversationListFilter"];
export type Message = S["ConversationMessage"];
export type MessageHit = S["ConversationMessageHit"];
export type CommentHit = S["ConversationCommentHit"];
export type Comment = S["ConversationComment"];
export type Contact = S["Contact"];
export type ContactDetail = S["ContactDetail"];
export type ContactField = S["ContactField"];
export type Channel = S["Channel"];
export type LogEvent = S["Event"];
export type Notification = S["Notification"];
export type NotificationSettings = S["NotificationSettings"];
export type Presence = S["RoutingPresence"];
export type Snippet = S["Snippet"];
export type Category = S["ConversationCategory"];
export type Workspace = S["Workspace"];
export type AccountWorkspace = S["AccountWorkspace"];
export type BrowserSession = S["BrowserSession"];
export type Media = S["Media"];
export type Workflow = S["Workflow"];
// AI settings and intents (issue 15).
export type AiSettings = S["AiSettings"];
export type AiUsage = S["AiUsage"];
export type AiTestResult = S["AiTestResult"];
export type AiIntent = S["AiIntent"];
export type AiClassification = S["AiClassification"];
// AI agents (issue 15 §3): members conversations can be assigned to.
export type AiAgent = S["AiagentAgent"];
export type AiAgentTurn = S["AiagentTurnRecord"];
export type KnowledgeSource = S["KnowledgeSource"];
// The inbox's AI help (issue 15 §4).
export type AiHelpStatus = S["AiHelpStatus"];
export type AiDraft = S["AssistDraft"];
export type AiResult = S["AssistResult"];
