// The settings sections, in menu order: each its own route and its own
// lazily loaded chunk, so the inbox never ships the settings' code.
import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export interface Section {
  path: string;
  /** i18n key of the menu entry and the page title. */
  label: string;
  Page: LazyExoticComponent<ComponentType>;
  /** Only owners see it (the API answers 403 to managers). */
  ownersOnly?: boolean;
}

export const sections: Section[] = [
  { path: "workspace", label: "settings.nav.workspace", Page: lazy(() => import("./workspace/WorkspaceSettings")) },
  { path: "users", label: "settings.nav.users", Page: lazy(() => import("./users/UsersSettings")) },
  { path: "teams", label: "settings.nav.teams", Page: lazy(() => import("./teams/TeamsSettings")) },
  { path: "channels", label: "settings.nav.channels", Page: lazy(() => import("./channels/ChannelsSettings")) },
  { path: "tags", label: "settings.nav.tags", Page: lazy(() => import("./tags/TagsSettings")) },
  { path: "fields", label: "settings.nav.fields", Page: lazy(() => import("./fields/FieldsSettings")) },
  { path: "stages", label: "settings.nav.stages", Page: lazy(() => import("./stages/StagesSettings")) },
  { path: "snippets", label: "settings.nav.snippets", Page: lazy(() => import("./snippets/SnippetsSettings")) },
  { path: "webhooks", label: "settingsWebhooks.title", Page: lazy(() => import("./webhooks/WebhooksSettings")) },
  { path: "ai", label: "settingsAi.nav", Page: lazy(() => import("./ai/AiSettings")) },
  { path: "ai-agents", label: "settingsAiAgents.nav", Page: lazy(() => import("./aiagents/AiAgentsSettings")) },
  { path: "tokens", label: "settings.nav.tokens", Page: lazy(() => import("./tokens/TokensSettings")), ownersOnly: true },
];
