// The conversation's actions: assign / unassign / transfer to a team (with
// each person's availability and load; above capacity asks first), close
// with the workspace's closing notes, snooze until a time (snooze.tsx), open a new
// conversation for the contact, run a shortcut workflow. Each is optimistic:
// the header changes at once and rolls back with a toast if refused.
import { useMemo, useRef, useState, type ReactNode } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import * as Popover from "@radix-ui/react-popover";
import * as Dialog from "@radix-ui/react-dialog";
import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { Check, Users, X, Zap } from "lucide-react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { Avatar } from "../../../lib/ui/Avatar";
import { useToast } from "../../../lib/ui/toast";
import type { Conversation } from "../../../lib/types";
import { FillWithAI } from "./ai/FillWithAI";
import { useCategories, usePresence, useShortcutList, useTeams, useUsers, type Shortcut } from "./data";
import { matchesQuery } from "./composerText";
import { availabilityClass, ModalDialog, popoverClass, TipButton } from "./ui";

/** useConversationAction runs a change optimistically on the conversation's cache. */
export function useConversationAction<V>(
  id: number,
  run: (v: V) => Promise<Conversation>,
  optimistic: (c: Conversation, v: V) => Conversation,
  quiet?: (e: Error) => boolean,
) {
  const qc = useQueryClient();
  const toast = useToast();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: run,
    onMutate: async (v: V) => {
      const key = qk.conversation(id);
      await qc.cancelQueries({ queryKey: key, exact: true });
      const before = qc.getQueryData<Conversation>(key);
      if (before) qc.setQueryData<Conversation>(key, optimistic(before, v));
      return { before };
    },
    onError: (e: Error, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.conversation(id), ctx.before);
      if (!quiet?.(e)) toast(t("conversation.actions.failed", { message: e.message }));
    },
    onSuccess: (c) => {
      if (c && typeof c === "object" && "id" in c) qc.setQueryData(qk.conversation(id), c);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: qk.conversations });
      void qc.invalidateQueries({ queryKey: qk.counts });
      void qc.invalidateQueries({ queryKey: qk.conversationEvents(id) });
    },
  });
}

type AssignVars = { user_id?: number; team_id?: number; force?: boolean };

const atCapacity409 = (e: Error) => e instanceof ApiError && e.status === 409 && /capacity/i.test(e.message);

export function AssignPopover({
  conversation,
  open,
  onOpenChange,
  children,
}: {
  conversation: Conversation;
  open: boolean;
  onOpenChange(o: boolean): void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const users = useUsers();
  const teams = useTeams();
  const presence = usePresence();
  const [q, setQ] = useState("");
  const [confirm, setConfirm] = useState<{ id: number; text: string } | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const assign = useConversationAction<AssignVars>(
    conversation.id,
    (v) => api.post<Conversation>(`/api/v1/conversations/${conversation.id}/assign`, v),
    (c, v) => ({ ...c, assignee_id: v.user_id ?? (v.team_id ? undefined : c.assignee_id), team_id: v.team_id ?? c.team_id }),
    atCapacity409,
  );
  const load = useMemo(() => new Map((presence.data?.data ?? []).map((p) => [p.user_id, p])), [presence.data]);
  const people = (users.data?.data ?? []).filter((u) => !u.deactivated_at && matchesQuery(u.name, q));
  const teamList = (teams.data?.data ?? []).filter((tm) => matchesQuery(tm.name, q));

  const close = () => {
    onOpenChange(false);
    setConfirm(null);
    setQ("");
  };
  const pickUser = (id: number, name: string, force = false) => {
    const p = load.get(id);
    if (!force && p && p.capacity > 0 && p.open >= p.capacity) {
      setConfirm({ id, text: t("conversation.assign.atCapacity", { name, open: p.open, capacity: p.capacity }) });
      return;
    }
    assign.mutate(
      { user_id: id, ...(force ? { force: true } : {}) },
      {
        onError: (e) => {
          if (atCapacity409(e)) {
            onOpenChange(true);
            setConfirm({ id, text: t("conversation.assign.atCapacityServer", { name }) });
          }
        },
      },
    );
    close();
  };
  const pickTeam = (id: number) => {
    assign.mutate({ team_id: id });
    close();
  };

  return (
    <Popover.Root open={open} onOpenChange={(o) => (o ? onOpenChange(true) : close())}>
      <Popover.Trigger asChild>{children}</Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={6} className={popoverClass + " w-80 p-2"} aria-label={t("conversation.assign.title")}>
          {confirm ? (
            <div role="alertdialog" aria-label={confirm.text} className="p-2 text-sm">
              <p className="mb-3">{confirm.text}</p>
              <div className="flex justify-end gap-2">
                <button type="button" className="hover:bg-hover rounded px-3 py-1" onClick={() => setConfirm(null)}>
                  {t("app.cancel")}
                </button>
                <button
                  type="button"
                  data-testid="assign-force"
                  className="bg-accent text-accent-fg rounded px-3 py-1"
                  onClick={() => {
                    const u = users.data?.data.find((x) => x.id === confirm.id);
                    pickUser(confirm.id, u?.name ?? "", true);
                  }}
                >
                  {t("conversation.assign.force")}
                </button>
              </div>
            </div>
          ) : (
            <>
              <input
                autoFocus
                value={q}
                onChange={(e) => setQ(e.target.value)}
                onKeyDown={(e) => {
                  // Enter takes the first match; the arrows walk the list.
                  const first = list.current?.querySelector<HTMLButtonElement>("button");
                  if (e.key === "Enter" && first) {
                    e.preventDefault();
                    first.click();
                  } else if (e.key === "ArrowDown" && first) {
                    e.preventDefault();
                    first.focus();
                  }
                }}
                placeholder={t("conversation.assign.search")}
                aria-label={t("conversation.assign.search")}
                className="border-line bg-bg mb-2 w-full rounded border px-2 py-1 text-sm"
              />
              <div
                ref={list}
                className="max-h-80 overflow-y-auto"
                onKeyDown={(e) => {
                  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
                  const items = [...(list.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
                  const i = items.indexOf(document.activeElement as HTMLButtonElement);
                  if (i < 0) return;
                  e.preventDefault();
                  items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
                }}
              >
                <p className="text-muted px-2 py-1 text-xs font-semibold uppercase">{t("conversation.assign.people")}</p>
                {people.length === 0 && <p className="text-muted px-2 py-1 text-sm">{t("conversation.assign.nobody")}</p>}
                {people.map((u) => {
                  const p = load.get(u.id);
                  const avail = p?.availability ?? "offline";
                  const full = p && p.capacity > 0 && p.open >= p.capacity;
                  return (
                    <button
                      key={u.id}
                      type="button"
                      data-testid={`assign-user-${u.id}`}
                      onClick={() => pickUser(u.id, u.name)}
                      className="hover:bg-hover focus:bg-hover flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-sm"
                    >
                      <Avatar name={u.name} size={24} />
                      <span className="min-w-0 flex-1">
                        <span className="block truncate">
                          {u.name} {u.id === me.user?.id && <span className="text-muted">{t("conversation.assign.me")}</span>}
                          {u.kind === "ai_agent" && <span className="text-muted">{t("conversation.assign.aiAgent")}</span>}
                        </span>
                        <span className="text-muted flex items-center gap-1 text-xs">
                          <span className={"inline-block h-2 w-2 rounded-full " + availabilityClass(avail)} aria-hidden="true" />
                          {t(`conversation.assign.availability.${avail}`, { defaultValue: avail })}
                          {" · "}
                          <span className={full ? "text-danger font-medium" : ""}>
                            {p && p.capacity > 0
                              ? t("conversation.assign.load", { open: p.open, capacity: p.capacity })
                              : t("conversation.assign.loadUnlimited", { open: p?.open ?? 0 })}
                          </span>
                        </span>
                      </span>
                      {conversation.assignee_id === u.id && <Check size={14} aria-label={t("conversation.assign.current")} />}
                    </button>
                  );
                })}
                <p className="text-muted mt-2 px-2 py-1 text-xs font-semibold uppercase">{t("conversation.assign.teams")}</p>
                {teamList.map((tm) => (
                  <button
                    key={tm.id}
                    type="button"
                    data-testid={`assign-team-${tm.id}`}
                    onClick={() => pickTeam(tm.id)}
                    className="hover:bg-hover focus:bg-hover flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-sm"
                  >
                    <Users size={16} aria-hidden="true" className="text-muted" />
                    <span className="flex-1 truncate">{tm.name}</span>
                    {conversation.team_id === tm.id && <Check size={14} aria-label={t("conversation.assign.current")} />}
                  </button>
                ))}
              </div>
            </>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

export function useUnassign(conversation: Conversation) {
  return useConversationAction<void>(
    conversation.id,
    () => api.post<Conversation>(`/api/v1/conversations/${conversation.id}/unassign`),
    (c) => ({ ...c, assignee_id: undefined }),
  );
}

export function useUnsnooze(conversation: Conversation) {
  return useConversationAction<void>(
    conversation.id,
    () => api.post<Conversation>(`/api/v1/conversations/${conversation.id}/unsnooze`),
    (c) => ({ ...c, status: "open", snoozed_until: undefined }),
  );
}

export function CloseDialog({
  conversation,
  open,
  onOpenChange,
}: {
  conversation: Conversation;
  open: boolean;
  onOpenChange(o: boolean): void;
}) {
  const { t } = useTranslation();
  const mode = useMe().workspace.closing_notes_mode;
  const categories = useCategories();
  const [category, setCategory] = useState("");
  const [summary, setSummary] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const qc = useQueryClient();
  const close = useConversationAction<{ category: string; summary: string }>(
    conversation.id,
    (v) => api.post<Conversation>(`/api/v1/conversations/${conversation.id}/close`, v),
    (c, v) => ({ ...c, status: "closed", close_category: v.category, close_summary: v.summary }),
    (e) => e instanceof ApiError && e.status === 422,
  );
  const needCategory = mode === "category_required" || mode === "both_required";
  const needSummary = mode === "both_required";
  const ready = (!needCategory || category !== "") && (!needSummary || summary.trim() !== "");
  const submit = () => {
    if (!ready) return;
    setError(null);
    close.mutate(
      { category, summary: summary.trim() },
      {
        onSuccess: () => {
          setCategory("");
          setSummary("");
          void qc.invalidateQueries({ queryKey: qk.contactConversations(conversation.contact_id) });
        },
        onError: (e) => {
          if (e instanceof ApiError && e.status === 422) {
            setError(e);
            onOpenChange(true);
          }
        },
      },
    );
    onOpenChange(false);
  };
  const fieldError = (f: string) => error?.forField(f);
  const list = categories.data?.data ?? [];
  return (
    <ModalDialog
      open={open}
      onOpenChange={onOpenChange}
      className="bg-bg border-line fixed top-1/2 left-1/2 z-50 w-[440px] -translate-x-1/2 -translate-y-1/2 rounded-lg border p-5 shadow-xl"
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) submit();
      }}
    >
          <Dialog.Title className="mb-4 text-base font-semibold">{t("conversation.close.title")}</Dialog.Title>
          <Dialog.Description className="sr-only">{t("conversation.close.title")}</Dialog.Description>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
            className="flex flex-col gap-3"
          >
            <label className="flex flex-col gap-1 text-sm">
              <span>
                {t("conversation.close.category")}{" "}
                <span className="text-muted">({t(needCategory ? "conversation.close.required" : "conversation.close.optional")})</span>
              </span>
              <select
                data-testid="close-category"
                value={category}
                onChange={(e) => setCategory(e.target.value)}
                required={needCategory}
                aria-invalid={!!fieldError("category")}
                className="border-line bg-bg rounded border px-2 py-1.5"
              >
                <option value="">{needCategory ? t("conversation.close.categoryChoose") : t("conversation.close.categoryNone")}</option>
                {list.map((c) => (
                  <option key={c.id} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
              {list.length === 0 && categories.isSuccess && <span className="text-muted text-xs">{t("conversation.close.noCategories")}</span>}
              {fieldError("category") && <span className="text-danger text-xs">{fieldError("category")}</span>}
            </label>
            <div className="flex flex-col gap-1 text-sm">
              <span className="flex items-center justify-between gap-2">
                <label htmlFor="close-summary">
                  {t("conversation.close.summary")}{" "}
                  <span className="text-muted">({t(needSummary ? "conversation.close.required" : "conversation.close.optional")})</span>
                </label>
                <FillWithAI conversationID={conversation.id} onText={setSummary} />
              </span>
              <textarea
                id="close-summary"
                data-testid="close-summary"
                value={summary}
                onChange={(e) => setSummary(e.target.value)}
                rows={4}
                required={needSummary}
                placeholder={t("conversation.close.summaryPlaceholder")}
                aria-invalid={!!fieldError("summary")}
                className="border-line bg-bg rounded border px-2 py-1.5"
              />
              {fieldError("summary") && <span className="text-danger text-xs">{fieldError("summary")}</span>}
            </div>
            {error && !fieldError("category") && !fieldError("summary") && (
              <p role="alert" className="text-danger text-sm">
                {error.message}
              </p>
            )}
            <div className="mt-2 flex justify-end gap-2">
              <Dialog.Close className="hover:bg-hover rounded px-3 py-1.5 text-sm">{t("app.cancel")}</Dialog.Close>
              <button
                type="submit"
                data-testid="close-confirm"
                disabled={!ready}
                className="bg-accent text-accent-fg rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50"
              >
                {t("conversation.close.confirm")}
              </button>
            </div>
          </form>
          <Dialog.Close aria-label={t("app.close")} className="hover:bg-hover absolute top-3 right-3 rounded p-1">
            <X size={16} />
          </Dialog.Close>
    </ModalDialog>
  );
}

export function ShortcutsMenu({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const toast = useToast();
  const list = useShortcutList();
  const qc = useQueryClient();
  const [asking, setAsking] = useState<Shortcut | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const run = useMutation({
    mutationFn: (v: { s: Shortcut; inputs?: Record<string, unknown> }) =>
      api.post(`/api/v1/workflows/${v.s.id}/runs`, { contact_id: conversation.contact_id, ...(v.inputs ? { inputs: v.inputs } : {}) }),
    onSuccess: (_r, v) => {
      setAsking(null);
      toast(t("conversation.actions.shortcutStarted", { name: v.s.name }), "info");
      void qc.invalidateQueries({ queryKey: qk.conversationEvents(conversation.id) });
    },
    onError: (e: Error, v) => {
      // A refused form answer is shown beside its field.
      if (e instanceof ApiError && v.s.inputs?.some((f) => e.forField(`inputs.${f.name}`))) {
        setError(e);
        return;
      }
      toast(t("conversation.actions.failed", { message: e.message }));
    },
  });
  // No list (the server has none, or it is empty): no menu, quietly.
  if (!list.data || list.data.length === 0) return null;
  const start = (s: Shortcut) => {
    if (s.inputs && s.inputs.length > 0) {
      setValues({});
      setError(null);
      setAsking(s);
    } else run.mutate({ s });
  };
  const inputType = (ty?: string) => ({ number: "number", email: "email", phone: "tel", date: "date" })[ty ?? ""] ?? "text";
  return (
    <>
      <Dropdown.Root modal={false}>
        <Dropdown.Trigger asChild>
          <TipButton tip={t("conversation.actions.shortcuts")} data-testid="action-shortcuts">
            <Zap size={15} aria-hidden="true" />
          </TipButton>
        </Dropdown.Trigger>
        <Dropdown.Portal>
          <Dropdown.Content align="end" sideOffset={6} className={popoverClass + " w-64 p-1"}>
            <Dropdown.Label className="text-muted px-2 py-1 text-xs font-semibold uppercase">{t("conversation.actions.shortcuts")}</Dropdown.Label>
            {list.data.map((s) => (
              <Dropdown.Item
                key={s.id}
                data-testid={`shortcut-${s.id}`}
                onSelect={() => start(s)}
                className="data-[highlighted]:bg-hover cursor-default rounded px-2 py-1.5 text-sm outline-none"
              >
                <span className="block">{s.name}</span>
                {s.description && <span className="text-muted block text-xs">{s.description}</span>}
              </Dropdown.Item>
            ))}
          </Dropdown.Content>
        </Dropdown.Portal>
      </Dropdown.Root>
      <ModalDialog
        open={!!asking}
        onOpenChange={(o) => !o && setAsking(null)}
        className="bg-bg border-line fixed top-1/2 left-1/2 z-50 w-[420px] -translate-x-1/2 -translate-y-1/2 rounded-lg border p-5 shadow-xl"
      >
            <Dialog.Title className="mb-1 text-base font-semibold">{asking?.name}</Dialog.Title>
            <Dialog.Description className="text-muted mb-4 text-sm">{asking?.description || t("conversation.actions.shortcutForm")}</Dialog.Description>
            <form
              className="flex flex-col gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (!asking) return;
                const inputs: Record<string, unknown> = {};
                for (const f of asking.inputs ?? []) {
                  const v = values[f.name] ?? "";
                  if (v === "") continue;
                  inputs[f.name] = f.type === "number" && Number.isFinite(Number(v)) ? Number(v) : v;
                }
                setError(null);
                run.mutate({ s: asking, inputs });
              }}
            >
              {(asking?.inputs ?? []).map((f) => (
                <label key={f.name} className="flex flex-col gap-1 text-sm">
                  <span>
                    {f.label || f.name}{" "}
                    <span className="text-muted">({t(f.required ? "conversation.close.required" : "conversation.close.optional")})</span>
                  </span>
                  <input
                    type={inputType(f.type)}
                    required={f.required}
                    value={values[f.name] ?? ""}
                    onChange={(e) => setValues((all) => ({ ...all, [f.name]: e.target.value }))}
                    aria-invalid={!!error?.forField(`inputs.${f.name}`)}
                    className="border-line bg-bg rounded border px-2 py-1.5"
                  />
                  {error?.forField(`inputs.${f.name}`) && <span className="text-danger text-xs">{error.forField(`inputs.${f.name}`)}</span>}
                </label>
              ))}
              <div className="mt-2 flex justify-end gap-2">
                <Dialog.Close className="hover:bg-hover rounded px-3 py-1.5 text-sm">{t("app.cancel")}</Dialog.Close>
                <button type="submit" disabled={run.isPending} className="bg-accent text-accent-fg rounded px-3 py-1.5 text-sm font-medium disabled:opacity-50">
                  {t("conversation.actions.shortcutRun")}
                </button>
              </div>
            </form>
      </ModalDialog>
    </>
  );
}
