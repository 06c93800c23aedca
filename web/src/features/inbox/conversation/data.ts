// The conversation's server state: one query per resource, keyed as
// queryKeys.ts says so the socket's events refresh exactly these. Directory
// lists (users, teams, channels…) are one page of 200, shared with the rest
// of the app under the same keys.
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Category, Channel, Comment, Conversation, LogEvent, Message, Presence, Snippet, Team, User } from "../../../lib/types";
import type { components } from "../../../lib/api-types";
import { dedupeByID } from "./timeline";

export type ChannelType = components["schemas"]["ChannelType"];
export type Capabilities = components["schemas"]["ChannelCapabilities"];
export interface ShortcutInput {
  name: string;
  label?: string;
  /** text (default), number, email, phone, date */
  type?: string;
  required?: boolean;
}
export interface Shortcut {
  id: number;
  name: string;
  description?: string;
  /** The shortcut's form, asked before it runs. */
  inputs?: ShortcutInput[];
}

/** fetchAll walks a list's pages (oldest first for a timeline) up to a bound. */
export async function fetchAll<T extends { id: number }>(path: string, signal?: AbortSignal, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get<Page<T>>(path, { limit: 200, cursor }, signal);
    out.push(...page.data);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return dedupeByID(out);
}

const page200 = <T>(path: string) => () => api.get<Page<T>>(path, { limit: 200 });

export const useConversation = (id: number) =>
  useQuery({
    queryKey: qk.conversation(id),
    queryFn: ({ signal }) => api.get<Conversation>(`/api/v1/conversations/${id}`, undefined, signal),
    retry: (n, e) => !(e instanceof ApiError && e.status === 404) && n < 1,
  });

export const useMessages = (id: number) =>
  useQuery({ queryKey: qk.messages(id), queryFn: ({ signal }) => fetchAll<Message>(`/api/v1/conversations/${id}/messages`, signal) });
export const useComments = (id: number) =>
  useQuery({ queryKey: qk.comments(id), queryFn: ({ signal }) => fetchAll<Comment>(`/api/v1/conversations/${id}/comments`, signal) });
export const useEvents = (id: number) =>
  useQuery({ queryKey: qk.conversationEvents(id), queryFn: ({ signal }) => fetchAll<LogEvent>(`/api/v1/conversations/${id}/events`, signal) });

export const useUsers = () => useQuery({ queryKey: qk.users, queryFn: page200<User>("/api/v1/users"), staleTime: 60_000 });
export const useTeams = () => useQuery({ queryKey: qk.teams, queryFn: page200<Team>("/api/v1/teams"), staleTime: 60_000 });
export const usePresence = () => useQuery({ queryKey: qk.presence, queryFn: page200<Presence>("/api/v1/presence") });
export const useChannels = () => useQuery({ queryKey: qk.channels, queryFn: page200<Channel>("/api/v1/channels"), staleTime: 300_000 });
export const useCategories = () =>
  useQuery({ queryKey: qk.categories, queryFn: page200<Category>("/api/v1/closing-categories"), staleTime: 300_000 });
export const useSnippets = () => useQuery({ queryKey: qk.snippets, queryFn: page200<Snippet>("/api/v1/snippets"), staleTime: 60_000 });

export const useChannelTypes = () =>
  useQuery({
    queryKey: qk.channelTypes,
    queryFn: () => api.get<{ items: ChannelType[] }>("/api/v1/channel-types"),
    staleTime: Infinity,
  });

/** The shortcut workflows an agent may run; none when the server has no list (404). */
export const useShortcutList = () =>
  useQuery({
    queryKey: qk.shortcuts,
    queryFn: async () => {
      try {
        return (await api.get<{ data: Shortcut[] }>("/api/v1/shortcuts")).data ?? [];
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 405)) return [];
        throw e;
      }
    },
    retry: false,
    staleTime: 300_000,
  });

/** Workflow names for the timeline: managers may list them; agents see the shortcuts' names only. */
export const useWorkflowNames = (enabled: boolean) =>
  useQuery({
    queryKey: [...qk.workflows, "names"],
    queryFn: async () => {
      try {
        return (await api.get<Page<{ id: number; name: string }>>("/api/v1/workflows", { limit: 200 })).data;
      } catch {
        return [];
      }
    },
    enabled,
    retry: false,
    staleTime: 300_000,
  });

/** capabilitiesOf: what the conversation's channel can send (undefined while unknown). */
export function capabilitiesOf(channel: Channel | undefined, types: ChannelType[] | undefined): Capabilities | undefined {
  if (!channel || !types) return undefined;
  return types.find((t) => t.type === channel.type)?.capabilities;
}
