// BulkBar: the list's select mode — how many conversations are picked
// (and a pick of all those shown), and what to do with them all: assign
// them to someone or to a team, close them (with the closing notes the
// workspace asks), snooze them, mark them read or unread. The
// server changes each as its own request would (POST
// /api/v1/conversations/bulk, 100 a request); those it refused stay
// picked, and the toast says why.
import { useState } from "react";
import * as Popover from "@radix-ui/react-popover";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { AlarmClock, CheckCheck, Mail, X, XCircle } from "lucide-react";
import { api } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { useCategories, useTeams, useUsers } from "../../../lib/directory";
import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { useToast } from "../../../lib/ui/toast";
import { SnoozeChoices } from "../conversation/snooze";

type Result = components["schemas"]["BulkConversationResult"];

/** The server's most conversations a request. */
export const BULK_CONVERSATIONS = 100;

export type BulkConversationAction =
  | { type: "close"; category?: string; summary?: string }
  | { type: "assign"; user_id: number }
  | { type: "assign"; team_id: number }
  | { type: "snooze"; until: string }
  | { type: "read" }
  | { type: "unread" };

/** bulkConversations sends the action for ids, 100 a request, and answers what was done and what failed. */
export async function bulkConversations(ids: number[], action: BulkConversationAction): Promise<Result> {
  const out: Result = { done: [], failed: [] };
  for (let i = 0; i < ids.length; i += BULK_CONVERSATIONS) {
    const r = await api.post<Result>("/api/v1/conversations/bulk", { conversation_ids: ids.slice(i, i + BULK_CONVERSATIONS), action });
    out.done.push(...r.done);
    out.failed.push(...r.failed);
  }
  return out;
}

const button = "border-line hover:bg-hover flex items-center gap-1 rounded border px-2 py-1 text-xs disabled:opacity-50";

export function BulkBar({ picked, shown, onPickAll, onDone, onExit }: {
  picked: number[];
  /** How many conversations the list shows (loaded), and how to pick them all. */
  shown?: number;
  onPickAll?(): void;
  onDone(done: number[]): void;
  onExit(): void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const me = useMe();
  const users = (useUsers().data?.data ?? []).filter((u) => !u.deactivated_at);
  const teams = useTeams().data?.data ?? [];
  const [busy, setBusy] = useState(false);
  const [assignee, setAssignee] = useState("");

  const run = async (action: BulkConversationAction) => {
    if (busy || picked.length === 0) return;
    setBusy(true);
    try {
      const r = await bulkConversations(picked, action);
      void qc.invalidateQueries({ queryKey: qk.conversations });
      void qc.invalidateQueries({ queryKey: qk.counts });
      onDone(r.done);
      const said = t(`inbox.bulk.done.${action.type}`, { count: r.done.length });
      if (r.failed.length === 0) toast(said, "info");
      else toast(t("inbox.bulk.someFailed", { what: said, count: r.failed.length, reason: r.failed[0]!.message }));
    } catch (e) {
      toast((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="border-line bg-selected flex shrink-0 flex-col gap-1.5 border-b px-3 py-2" data-testid="bulk-bar"
      role="toolbar" aria-label={t("inbox.bulk.label")}>
      <div className="flex items-center gap-1.5">
        <span className="flex-1 text-xs font-medium" data-testid="bulk-count" aria-live="polite">
          {t("inbox.bulk.picked", { count: picked.length })}
        </span>
        {onPickAll && shown !== undefined && shown > picked.length && (
          <button type="button" className="text-accent rounded px-1 text-xs hover:underline" onClick={onPickAll} data-testid="bulk-pick-all">
            {t("inbox.bulk.pickAll", { count: shown })}
          </button>
        )}
        <button type="button" className={button} disabled={busy || picked.length === 0} onClick={() => void run({ type: "read" })}
          title={t("inbox.bulk.read")} aria-label={t("inbox.bulk.read")} data-testid="bulk-read">
          <CheckCheck size={14} aria-hidden />
        </button>
        <button type="button" className={button} disabled={busy || picked.length === 0} onClick={() => void run({ type: "unread" })}
          title={t("inbox.bulk.unread")} aria-label={t("inbox.bulk.unread")} data-testid="bulk-unread">
          <Mail size={14} aria-hidden />
        </button>
        <button type="button" className="text-muted hover:text-fg rounded p-1" onClick={onExit} title={t("inbox.bulk.exit")}
          aria-label={t("inbox.bulk.exit")} data-testid="bulk-exit">
          <X size={14} aria-hidden />
        </button>
      </div>
      <div className="flex items-center gap-1.5">
        <label className="flex min-w-0 flex-1 items-center">
          <span className="sr-only">{t("inbox.bulk.assignTo")}</span>
          <select
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            disabled={busy || picked.length === 0}
            data-testid="bulk-assignee"
            className="border-line bg-bg w-full min-w-0 rounded border px-1 py-1 text-xs"
          >
            <option value="">{t("inbox.bulk.assignTo")}</option>
            <optgroup label={t("inbox.bulk.people")}>
              {users.map((u) => (
                <option key={u.id} value={`u${u.id}`}>
                  {u.id === me.user?.id ? t("inbox.bulk.me", { name: u.name }) : u.name}
                </option>
              ))}
            </optgroup>
            {teams.length > 0 && (
              <optgroup label={t("inbox.bulk.teams")}>
                {teams.map((tm) => (
                  <option key={tm.id} value={`t${tm.id}`}>
                    {tm.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <button type="button" className={button} disabled={busy || !assignee || picked.length === 0} data-testid="bulk-assign"
          onClick={() => {
            const id = Number(assignee.slice(1));
            void run(assignee.startsWith("t") ? { type: "assign", team_id: id } : { type: "assign", user_id: id }).then(() => setAssignee(""));
          }}>
          {t("inbox.bulk.assign")}
        </button>
        <SnoozeButton disabled={busy || picked.length === 0} onSnooze={(until) => void run({ type: "snooze", until: until.toISOString() })} />
        <CloseButton disabled={busy || picked.length === 0} onClose={(notes) => void run({ type: "close", ...notes })} />
      </div>
    </div>
  );
}

/** SnoozeButton snoozes the picked conversations until a time chosen as for one. */
function SnoozeButton({ disabled, onSnooze }: { disabled: boolean; onSnooze(until: Date): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <button type="button" className={button} disabled={disabled} data-testid="bulk-snooze" title={t("inbox.bulk.snooze")}
          aria-label={t("inbox.bulk.snooze")}>
          <AlarmClock size={14} aria-hidden />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={4} className="border-line bg-bg z-40 w-80 rounded-md border p-2 shadow-lg" data-testid="bulk-snooze-form"
          aria-label={t("inbox.bulk.snooze")}>
          <SnoozeChoices
            onPick={(until) => {
              setOpen(false);
              onSnooze(until);
            }}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/** CloseButton closes the picked conversations, asking first for the closing notes the workspace requires. */
function CloseButton({ disabled, onClose }: { disabled: boolean; onClose(notes: { category?: string; summary?: string }): void }) {
  const { t } = useTranslation();
  const mode = useMe().workspace.closing_notes_mode;
  const categories = useCategories().data?.data ?? [];
  const [open, setOpen] = useState(false);
  const [category, setCategory] = useState("");
  const [summary, setSummary] = useState("");
  const needCategory = mode === "category_required" || mode === "both_required";
  const needSummary = mode === "both_required";
  const ready = (!needCategory || category !== "") && (!needSummary || summary.trim() !== "");
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <button type="button" className={button} disabled={disabled} data-testid="bulk-close">
          <XCircle size={14} aria-hidden /> {t("inbox.bulk.close")}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={4} className="border-line bg-bg z-40 w-64 rounded-md border p-3 shadow-lg" data-testid="bulk-close-form">
          <form
            className="flex flex-col gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (!ready) return;
              setOpen(false);
              onClose({ ...(category ? { category } : {}), ...(summary.trim() ? { summary: summary.trim() } : {}) });
              setCategory("");
              setSummary("");
            }}
          >
            <label className="flex flex-col gap-1 text-xs">
              {t("inbox.bulk.category")} ({t(needCategory ? "inbox.bulk.required" : "inbox.bulk.optional")})
              <select value={category} onChange={(e) => setCategory(e.target.value)} required={needCategory} data-testid="bulk-close-category"
                className="border-line bg-bg rounded border px-2 py-1 text-sm">
                <option value="">{t("inbox.bulk.noCategory")}</option>
                {categories.map((c) => (
                  <option key={c.id} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-xs">
              {t("inbox.bulk.summary")} ({t(needSummary ? "inbox.bulk.required" : "inbox.bulk.optional")})
              <textarea value={summary} onChange={(e) => setSummary(e.target.value)} required={needSummary} rows={2} maxLength={2000}
                className="border-line bg-bg rounded border px-2 py-1 text-sm" />
            </label>
            <button type="submit" disabled={!ready} data-testid="bulk-close-confirm"
              className="bg-accent text-accent-fg self-end rounded px-3 py-1 text-sm font-medium disabled:opacity-50">
              {t("inbox.bulk.closeThem")}
            </button>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
