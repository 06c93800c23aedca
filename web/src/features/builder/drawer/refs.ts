// What a node's reference settings ("x-ref" in the engine's schema) may
// name: the workspace's users, teams, channels and workflows (read through
// lib/directory, only for the kinds the node's settings use) and the other
// steps of the definition being edited, labelled as the canvas labels them;
// and the names the canvas shows for those ids (useRefNames).
import { useMemo } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useChannels, useTeams, useUsers, useWorkflows } from "../../../lib/directory";
import type { Refs, RefOption } from "./RefSelect";
import type { JSONSchema } from "./schema";
import type { NameOf, RefKind } from "../model/summary";

/** A step of the definition being edited, as a Jump To may name it. */
export interface DrawerStep {
  id: string;
  type: string;
  name?: string;
}

/** refKinds lists the kinds of reference s's properties make, at any depth. */
export function refKinds(s: JSONSchema | undefined, out = new Set<string>()): Set<string> {
  if (!s) return out;
  if (s["x-ref"]) out.add(s["x-ref"]);
  for (const sub of Object.values(s.properties ?? {})) refKinds(sub, out);
  if (typeof s.additionalProperties === "object") refKinds(s.additionalProperties, out);
  refKinds(s.items, out);
  for (const alt of s.oneOf ?? s.anyOf ?? []) refKinds(alt, out);
  return out;
}

/** stepOption is a step as a picker lists it: titled as the canvas titles it, its id noted ("Ask a question (ask)"). */
export function stepOption(s: DrawerStep, t: TFunction): RefOption {
  return { value: s.id, label: s.name || t(`builderDrawer.types.${s.type}`, { defaultValue: s.type }), note: s.id };
}

const byLabel = (a: RefOption, b: RefOption) => a.label.localeCompare(b.label);

export function useRefs(schema: JSONSchema | undefined, self: string, steps: DrawerStep[] | undefined, workflowID: number | undefined): Refs {
  const { t } = useTranslation();
  const kinds = useMemo(() => refKinds(schema), [schema]);
  const users = useUsers(kinds.has("user"));
  const teams = useTeams(kinds.has("team"));
  const channels = useChannels(kinds.has("channel"));
  const workflows = useWorkflows(kinds.has("workflow"));
  return useMemo(() => {
    const refs: Refs = {};
    if (kinds.has("user")) {
      refs.user = {
        loaded: users.isSuccess,
        options: (users.data?.data ?? [])
          .map((u) => {
            const notes = [u.kind === "ai_agent" && t("builderDrawer.ref.aiAgent"), u.deactivated_at && t("builderDrawer.ref.deactivated")].filter(Boolean);
            // An AI agent's address is made up; its kind says more.
            const label = u.kind === "ai_agent" ? u.name : `${u.name} <${u.email}>`;
            return { value: u.id, label, note: notes.join(", ") || undefined, disabled: !!u.deactivated_at };
          })
          .sort(byLabel),
      };
    }
    if (kinds.has("team")) refs.team = { loaded: teams.isSuccess, options: (teams.data?.data ?? []).map((x) => ({ value: x.id, label: x.name })).sort(byLabel) };
    if (kinds.has("channel")) {
      refs.channel = { loaded: channels.isSuccess, options: (channels.data?.data ?? []).map((x) => ({ value: x.id, label: x.name, note: x.type })).sort(byLabel) };
    }
    if (kinds.has("workflow")) {
      refs.workflow = {
        loaded: workflows.isSuccess,
        options: (workflows.data?.data ?? [])
          .map((w) => {
            // The engine starts only a workflow with a manual trigger (and
            // fails the step otherwise); it does not refuse this workflow
            // itself, whose loop guard ends the chain.
            const manual = w.trigger_type === "manual";
            const note = w.id === workflowID ? t("builderDrawer.ref.thisWorkflow") : manual ? undefined : t("builderDrawer.ref.notManual");
            return { value: w.id, label: `${w.name} · ${t(`builderDrawer.ref.status.${w.status}`, { defaultValue: w.status })}`, note, disabled: !manual };
          })
          .sort(byLabel),
      };
    }
    if (kinds.has("step") && steps) {
      refs.step = { loaded: true, options: steps.filter((s) => s.id !== self).map((s) => stepOption(s, t)) };
    }
    return refs;
  }, [kinds, users.isSuccess, users.data, teams.isSuccess, teams.data, channels.isSuccess, channels.data, workflows.isSuccess, workflows.data, steps, self, workflowID, t]);
}

/**
 * useRefNames names the ids of the kinds given (read through
 * lib/directory, as the pickers read them): a user, a team, a channel or
 * a workflow by its name, "#12" while its list is read, "#12 (no longer
 * exists)" when the list has no such id.
 */
export function useRefNames(kinds: ReadonlySet<RefKind>): NameOf {
  const { t } = useTranslation();
  const users = useUsers(kinds.has("user"));
  const teams = useTeams(kinds.has("team"));
  const channels = useChannels(kinds.has("channel"));
  const workflows = useWorkflows(kinds.has("workflow"));
  return useMemo(() => {
    const byKind: Record<RefKind, Map<number, string> | undefined> = {
      user: users.isSuccess ? new Map(users.data.data.map((x) => [x.id, x.name])) : undefined,
      team: teams.isSuccess ? new Map(teams.data.data.map((x) => [x.id, x.name])) : undefined,
      channel: channels.isSuccess ? new Map(channels.data.data.map((x) => [x.id, x.name])) : undefined,
      workflow: workflows.isSuccess ? new Map(workflows.data.data.map((x) => [x.id, x.name])) : undefined,
    };
    return (kind, id) => {
      const names = byKind[kind];
      if (!names) return `#${id}`;
      return names.get(id) ?? t("builderDrawer.ref.gone", { value: `#${id}` });
    };
  }, [users.isSuccess, users.data, teams.isSuccess, teams.data, channels.isSuccess, channels.data, workflows.isSuccess, workflows.data, t]);
}
