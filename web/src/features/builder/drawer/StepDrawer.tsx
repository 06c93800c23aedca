// StepDrawer: the right-side panel for the selected trigger or step — its
// type, its id, a form generated from the engine's JSON Schema, its
// problems, and its exits (ExitsSection: the connections, keyboard-made). Every change calls onChange(settings) (after a pause while
// typing, at once for a pick); there is no save button: the editor saves
// the definition, taking the drawer's pending change first (DrawerHandle).
import { type ChangeEvent, type Ref, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  AlarmClock, Braces, CalendarClock, CircleDot, GitBranch, Globe, Sparkles, HelpCircle, Hourglass, ListChecks, MessageSquare, MessageSquarePlus,
  MessageSquareX, Play, Redo2, Repeat, Star, StickyNote, Tag, UserCog, UserPlus, Webhook, X, Zap, type LucideIcon,
} from "lucide-react";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useCategories, useChannels, useFields, useStages, useTags, useTeams } from "../../../lib/directory";
import { useTemplates } from "../../inbox/conversation/TemplatePicker";
import { hints, nodeSchema, orders, typeNames, type JSONSchema, type Suggest } from "./schema";
import { NodeMeta, type MetaPatch, type MetaValue } from "./NodeMeta";
import { SchemaForm, type Problem } from "./SchemaForm";
import { nodeVariables } from "./template";
import { useRefs, type DrawerStep } from "./refs";
import { ExitsSection, type DrawerExit } from "./ExitsSection";

export type { DrawerExit, DrawerStep };


/** What the editor may ask of the drawer: flush hands the pending change (typed, not yet sent) over now. */
export interface DrawerHandle {
  flush(): void;
}

/**
 * isPick tells a change that is a choice made at once (a select, a
 * checkbox, a radio), not a keystroke of something being typed: it is
 * handed to the editor without waiting, so the canvas shows it at once.
 */
function isPick(el: EventTarget): boolean {
  return el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"));
}

export interface DrawerNode {
  kind: "trigger" | "step";
  id: string;
  type: string;
  settings: Record<string, unknown>;
}

export const typeIcons: Record<string, LucideIcon> = {
  conversation_opened: MessageSquarePlus,
  conversation_closed: MessageSquareX,
  conversation_rated: Star,
  contact_tag_updated: Tag,
  contact_field_updated: UserCog,
  lifecycle_updated: CircleDot,
  shortcut: Zap,
  incoming_webhook: Webhook,
  manual: Play,
  schedule: CalendarClock,
  send_message: MessageSquare,
  ask_question: HelpCircle,
  branch: GitBranch,
  assign_to: UserPlus,
  update_contact_field: UserCog,
  update_contact_tag: Tag,
  update_lifecycle: CircleDot,
  add_comment: StickyNote,
  open_conversation: MessageSquarePlus,
  close_conversation: MessageSquareX,
  jump_to: Redo2,
  wait: Hourglass,
  date_time: AlarmClock,
  http_request: Globe,
  classify: Sparkles,
  trigger_workflow: Repeat,
};

export const useWorkflowSchema = () =>
  useQuery({ queryKey: qk.workflowSchema, queryFn: () => api.get<JSONSchema>("/api/v1/workflows/schema"), staleTime: Infinity });

const standardFields = ["first_name", "last_name", "email", "phone", "language", "country"];

export function StepDrawer({
  node,
  onChange,
  problems = [],
  variables = [],
  onClose,
  schema: given,
  debounceMs = 300,
  meta,
  onMeta,
  steps,
  workflowID,
  onPending,
  ref,
  exits,
  onExit,
}: {
  node: DrawerNode;
  onChange(settings: Record<string, unknown>): void;
  /** The engine's problems for this node (field relative to the step, e.g. "settings.text"). */
  problems?: Problem[];
  /** Variables earlier steps make (saved answers, response mappings), e.g. "var.need", "step.ask.answer". */
  variables?: string[];
  /** Shows a close button when given. */
  onClose?(): void;
  /** The workflow JSON Schema; fetched from the server when absent (tests pass it). */
  schema?: JSONSchema;
  /** Delay before onChange while typing; 0 calls it on every change. */
  debounceMs?: number;
  /** The node's name, trigger type and workflow settings, edited by NodeMeta when onMeta is given. */
  meta?: MetaValue;
  onMeta?(p: MetaPatch): void;
  /** The definition's steps, which a Jump To may name (the node itself left out). */
  steps?: DrawerStep[];
  /** The workflow being edited, marked among those a Trigger Another Workflow may start. */
  workflowID?: number;
  /** Told true when a typed change waits for its pause, false once it is handed over (the editor has unsaved changes meanwhile). */
  onPending?(pending: boolean): void;
  ref?: Ref<DrawerHandle>;
  /** The node's exits and where they lead, changed through onExit (the Exits section shows when both are given). */
  exits?: DrawerExit[];
  onExit?(exit: string, target: string | undefined): void;
}) {
  const { t } = useTranslation();
  const fetched = useWorkflowSchema();
  const fields = useFields();
  const root = given ?? fetched.data;
  const schema = root ? nodeSchema(root, node.kind, node.type) : undefined;

  // The form edits a local copy; onChange is debounced so a keystroke does
  // not rebuild the editor's graph. A new node (or new settings from
  // outside, e.g. undo) resets the copy. The same settings again as a new
  // object (a trigger with no conditions is given a new {} on each render
  // of the canvas) are not new: resetting then would wipe what is typed.
  // Nor is the echo of what this drawer emitted, which the editor hands
  // back as a copy: it can arrive after the next edit (a date picked, then
  // its time), and taking it as new wiped that edit. The emissions not yet
  // echoed are kept (as JSON), so an echo of any of them is known.
  const [local, setLocal] = useState(node.settings ?? {});
  const pending = useRef<Record<string, unknown> | null>(null);
  const unechoed = useRef<string[]>([]);
  const [seen, setSeen] = useState({ id: node.id, settings: node.settings });
  if (seen.id !== node.id || seen.settings !== node.settings) {
    setSeen({ id: node.id, settings: node.settings });
    const same = seen.id === node.id && JSON.stringify(seen.settings ?? {}) === JSON.stringify(node.settings ?? {});
    const echoed = seen.id === node.id ? unechoed.current.indexOf(JSON.stringify(node.settings ?? {})) : -1;
    if (echoed >= 0) {
      // An echo acknowledges its emission and those before it.
      unechoed.current = unechoed.current.slice(echoed + 1);
    } else if (seen.id !== node.id || !same) {
      unechoed.current = [];
      setLocal(node.settings ?? {});
    }
  }
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(onChange);
  const latestPending = useRef(onPending);
  useEffect(() => {
    latest.current = onChange;
    latestPending.current = onPending;
  });
  // Whether the editor was told a change is pending (told once per pause, not per keystroke).
  const told = useRef(false);
  const flush = () => {
    clearTimeout(timer.current);
    const v = pending.current;
    pending.current = null;
    if (told.current) {
      told.current = false;
      latestPending.current?.(false);
    }
    if (v) {
      unechoed.current.push(JSON.stringify(v));
      latest.current(v);
    }
  };
  useEffect(() => () => flush(), [node.id]); // eslint-disable-line react-hooks/exhaustive-deps
  // A save or publish takes what is pending first: a click on Save an
  // instant after a keystroke would otherwise save the definition without it.
  useImperativeHandle(ref, () => ({ flush }));
  // Whether the change being made is a pick (set while its event passes through the form).
  const picking = useRef(false);
  const change = (v: Record<string, unknown>) => {
    setLocal(v);
    pending.current = v;
    if (debounceMs <= 0 || picking.current) return flush();
    if (!told.current) {
      told.current = true;
      latestPending.current?.(true);
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, debounceMs);
  };
  // React's change event passes through the form before (capture) and
  // after (bubble) the field's own onChange, which calls change.
  const form = {
    onChangeCapture: (e: ChangeEvent) => {
      picking.current = isPick(e.target);
    },
    onChange: () => {
      picking.current = false;
    },
  };

  const vars = useMemo(() => {
    const custom = (fields.data?.data ?? []).map((f) => `contact.fields.${f.key}`);
    const own = nodeVariables({ ...node, settings: local });
    return [...new Set([...custom, ...variables, ...own])];
  }, [fields.data, variables, node, local]);

  const teams = useTeams();
  const categories = useCategories();
  const stages = useStages();
  const tags = useTags();
  // A Send a Message template's name and language are suggested from the
  // approved templates synced on the step's channel, or else on the
  // workspace's first WhatsApp channel (the step's usual channel is the
  // conversation's, unknown here); any name is still accepted.
  const sends = node.type === "send_message";
  const channels = useChannels(sends);
  const templateChannel = typeof local.channel_id === "number" ? local.channel_id : (channels.data?.data ?? []).find((c) => c.type === "whatsapp")?.id;
  const templates = useTemplates(templateChannel, sends);
  const suggestions = useMemo<Partial<Record<Suggest, string[]>>>(
    () => ({
      field: [...standardFields, ...(fields.data?.data ?? []).map((f) => f.key)],
      team: (teams.data?.data ?? []).map((x) => x.name),
      category: (categories.data?.data ?? []).map((x) => x.name),
      stage: (stages.data?.data ?? []).map((x) => x.name),
      tag: (tags.data?.data ?? []).map((x) => x.name),
      template: [...new Set((templates.data ?? []).map((x) => x.name))],
      language: [...new Set((templates.data ?? []).map((x) => x.language))],
    }),
    [fields.data, teams.data, categories.data, stages.data, tags.data, templates.data],
  );

  const refs = useRefs(schema, node.id, steps, workflowID);

  const Icon = typeIcons[node.type] ?? Braces;
  const typeName = t(`builderDrawer.types.${node.type}`, { defaultValue: node.type });
  return (
    <aside
      data-testid="step-drawer"
      data-node-id={node.id}
      data-node-type={node.type}
      aria-label={t("builderDrawer.title", { name: typeName })}
      // Leaving a field hands its last keystrokes over at once: the
      // toolbar's Save (which takes the focus on press) would otherwise
      // save the workflow without what was typed in the last debounce.
      onBlurCapture={flush}
      className="border-line bg-panel flex h-full w-96 shrink-0 flex-col border-l"
    >
      <header className="border-line flex items-start gap-3 border-b px-4 py-3">
        <span className="bg-subtle text-accent rounded p-2">
          <Icon size={18} aria-hidden />
        </span>
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-base font-semibold">{typeName}</h2>
          <p className="text-muted truncate text-xs">
            {node.kind === "trigger" ? t("builderDrawer.trigger") : t("builderDrawer.step")} · <span className="font-mono">{node.id}</span>
          </p>
        </div>
        {onClose && (
          <button type="button" className="text-muted hover:bg-hover rounded p-1" aria-label={t("builderDrawer.close")} onClick={onClose}>
            <X size={16} aria-hidden />
          </button>
        )}
      </header>
      <div className="flex-1 overflow-y-auto px-4 py-3" {...form}>
        {problems.length > 0 && (
          <section className="border-danger mb-3 rounded border p-2" data-testid="drawer-problems">
            <h3 className="text-danger flex items-center gap-1 text-sm font-semibold">
              <ListChecks size={14} aria-hidden />
              {t("builderDrawer.problems", { count: problems.length })}
            </h3>
            <ul className="mt-1 list-disc pl-5 text-sm">
              {problems.map((p, i) => (
                <li key={i}>
                  {p.field && <span className="font-mono text-xs">{p.field}: </span>}
                  {p.message}
                </li>
              ))}
            </ul>
          </section>
        )}
        {onMeta && root && <NodeMeta kind={node.kind} value={meta ?? {}} triggerTypes={typeNames(root, "trigger")} onChange={(p) => { flush(); onMeta(p); }} />}
        {!root && fetched.isError && <p className="text-danger text-sm">{t("builderDrawer.schemaError")}</p>}
        {!root && !fetched.isError && <div className="bg-subtle h-24 animate-pulse rounded" aria-busy="true" />}
        {root && !schema && <p className="text-danger text-sm">{t("builderDrawer.unknownType", { type: node.type })}</p>}
        {schema && <SchemaForm schema={schema} value={local} onChange={change} hints={hints[`${node.kind}:${node.type}`]} order={orders[`${node.kind}:${node.type}`]} problems={problems} variables={vars} suggestions={suggestions} refs={refs} />}
        {exits && onExit && (
          <ExitsSection
            kind={node.kind}
            self={node.id}
            exits={exits}
            steps={steps ?? []}
            onExit={(exit, target) => {
              flush(); // the settings typed first (a branch added) are in before the connection
              onExit(exit, target);
            }}
          />
        )}
      </div>
    </aside>
  );
}
