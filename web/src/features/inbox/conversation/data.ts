// The conversation's server state: one query per resource, keyed as
// queryKeys.ts says so the socket's events refresh exactly these. The
// directory lists (users, teams, channels…) are lib/directory.ts's.
import { useQuery } from "@tanstack/react-query";
import { allPages, api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import type { Channel, Comment, Conversation, LogEvent, Message } from "../../../lib/types";
import type { components } from "../../../lib/api-types";
import { dedupeByID } from "./timeline";

export type ChannelType = components["schemas"]["ChannelType"];
export type Capabilities = components["schemas"]["ChannelCapabilities"];
export type ShortcutInput = components["schemas"]["WorkflowShortcutInput"];
export type Shortcut = components["schemas"]["WorkflowShortcut"];

/** fetchAll walks a list's pages (oldest first for a timeline) up to a bound. */
export async function fetchAll<T extends { id: number }>(path: string, signal?: AbortSignal, maxPages = 20): Promise<T[]> {
  return dedupeByID((await allPages<T>(path, undefined, signal, maxPages)).data);
}

export { useCategories, useChannels, usePresence, useSnippets, useTeams, useUsers } from "../../../lib/directory";

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
        return (await allPages<{ id: number; name: string }>("/api/v1/workflows")).data;
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
