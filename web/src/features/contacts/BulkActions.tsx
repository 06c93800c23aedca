// BulkActions: the bar over the contacts list while some are checked —
// add a tag to them or take it off, set their lifecycle stage (after an
// import, a campaign's list) or delete them. The checked contacts, or
// every contact the filter keeps, go to the server's bulk action, 250 a
// request (each request all or none); the bar says how far it got and,
// if a request is refused, what was done before it.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { Tag, Trash2, X } from "lucide-react";
import { api } from "../../lib/api";
import type { components } from "../../lib/api-types";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { Button } from "../../lib/ui/form";
import { Modal } from "../../lib/ui/Modal";
import { useToast } from "../../lib/ui/toast";
import { cleanFilter, mayDelete, useStages, useTags, type ContactFilter } from "./data";

/** BulkAction is what the server does to each contact (POST /api/v1/contacts/bulk's action). */
export type BulkAction = { type: "add_tag" | "remove_tag"; tag: string } | { type: "set_lifecycle"; stage: string } | { type: "delete" };
type BulkResult = components["schemas"]["ContactBulkResult"];

/** The server's most contact ids a request; a filter's contacts come as many a request. */
export const BULK_CHUNK = 250;

/** BulkTarget: the contacts checked one by one, or every contact a filter keeps (count of them, as the server counted). */
export type BulkTarget = { ids: number[] } | { filter: ContactFilter; count: number };

export const targetSize = (t: BulkTarget) => ("ids" in t ? t.ids.length : t.count);

/** BulkRun is what a bulk action did, request after request, and the error that stopped it. */
export interface BulkRun {
  matched: number;
  changed: number;
  missing: number;
  error?: Error;
}

/**
 * runBulk takes the action on the target to its end: the ids 250 a request, or the filter's
 * contacts request after request (each goes on past the last one reached). A refused request
 * stops it: what the earlier ones did stays, and is said.
 */
export async function runBulk(target: BulkTarget, action: BulkAction, onProgress?: (matched: number) => void): Promise<BulkRun> {
  const run: BulkRun = { matched: 0, changed: 0, missing: 0 };
  const add = (r: BulkResult) => {
    run.matched += r.matched;
    run.changed += r.changed;
    run.missing += r.missing?.length ?? 0;
    onProgress?.(run.matched);
  };
  try {
    if ("ids" in target) {
      for (let i = 0; i < target.ids.length; i += BULK_CHUNK)
        add(await api.post<BulkResult>("/api/v1/contacts/bulk", { contact_ids: target.ids.slice(i, i + BULK_CHUNK), action }));
    } else {
      let after: number | undefined;
      do {
        const r = await api.post<BulkResult>("/api/v1/contacts/bulk", { filter: cleanFilter(target.filter), after, action });
        add(r);
        after = r.next;
      } while (after !== undefined);
    }
  } catch (err) {
    run.error = err instanceof Error ? err : new Error(String(err));
  }
  return run;
}

export function BulkActions({ target, onClear }: { target: BulkTarget; onClear(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const me = useMe();
  const tags = useTags().data?.data ?? [];
  const stages = useStages().data?.data ?? [];
  const [tag, setTag] = useState("");
  // null: no stage picked yet; "": clear the stage.
  const [stage, setStage] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const busy = progress !== null;
  const size = targetSize(target);

  /** apply runs the action on the target; what says, for a count, what was done. */
  const apply = async (action: BulkAction, what: (count: number) => string) => {
    if (busy) return;
    setProgress(0);
    const run = await runBulk(target, action, setProgress);
    setProgress(null);
    await qc.invalidateQueries({ queryKey: qk.contacts });
    if (action.type === "delete") await qc.invalidateQueries({ queryKey: qk.conversations });
    let said = what(run.matched);
    if (run.missing > 0) said = t("contacts.bulk.missing", { what: said, count: run.missing });
    if (!run.error) {
      toast(said, "info");
      onClear();
      return;
    }
    toast(run.matched > 0 ? t("contacts.bulk.stopped", { what: said, reason: run.error.message }) : run.error.message);
  };
  const tagged = (add: boolean) => {
    const name = tag.trim();
    if (!name) return;
    void apply({ type: add ? "add_tag" : "remove_tag", tag: name }, (count) =>
      t(add ? "contacts.bulk.added" : "contacts.bulk.removed", { tag: name, count }),
    );
  };
  const staged = () => {
    if (stage === null) return;
    void apply({ type: "set_lifecycle", stage }, (count) =>
      stage ? t("contacts.bulk.staged", { stage, count }) : t("contacts.bulk.unstaged", { count }),
    );
  };
  const deleted = () => {
    setConfirmDelete(false);
    void apply({ type: "delete" }, (count) => t("contacts.bulk.deleted", { count }));
  };
  const submit = (e: FormEvent) => (e.preventDefault(), tagged(true));

  return (
    <>
      <form onSubmit={submit} className="border-line bg-selected flex flex-wrap items-center gap-2 border-b px-4 py-2 text-sm" data-testid="contacts-bulk"
        aria-label={t("contacts.bulk.label")}>
        <span className="font-medium" data-testid="contacts-bulk-count">
          {t("contacts.bulk.selected", { count: size })}
        </span>
        <label className="flex items-center gap-1">
          <Tag size={14} aria-hidden className="text-muted" />
          <span className="sr-only">{t("contacts.bulk.tag")}</span>
          <input
            list="contacts-bulk-tags"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            placeholder={t("contacts.bulk.tagPlaceholder")}
            aria-label={t("contacts.bulk.tag")}
            className="border-line bg-bg w-48 rounded border px-2 py-1 text-sm"
            data-testid="contacts-bulk-tag"
          />
          <datalist id="contacts-bulk-tags">
            {tags.map((x) => (
              <option key={x.name} value={x.name} />
            ))}
          </datalist>
        </label>
        <button type="submit" disabled={!tag.trim() || busy} data-testid="contacts-bulk-add"
          className="bg-accent text-accent-fg rounded px-3 py-1 font-medium hover:opacity-90 disabled:opacity-50">
          {t("contacts.bulk.add")}
        </button>
        <button type="button" disabled={!tag.trim() || busy} onClick={() => tagged(false)} data-testid="contacts-bulk-remove"
          className="border-line hover:bg-hover rounded border px-3 py-1 disabled:opacity-50">
          {t("contacts.bulk.remove")}
        </button>
        <span className="border-line mx-1 h-5 border-l" aria-hidden />
        {/* Each choice is "=" and the stage's name ("=" alone: no stage); "" is the prompt. */}
        <select
          value={stage === null ? "" : "=" + stage}
          onChange={(e) => setStage(e.target.value ? e.target.value.slice(1) : null)}
          aria-label={t("contacts.bulk.stage")}
          className="border-line bg-bg rounded border px-2 py-1 text-sm"
          data-testid="contacts-bulk-stage"
        >
          <option value="">{t("contacts.bulk.stagePick")}</option>
          {stages.map((x) => (
            <option key={x.id} value={"=" + x.name}>
              {x.name}
            </option>
          ))}
          <option value="=">{t("contacts.bulk.noStage")}</option>
        </select>
        <button type="button" disabled={stage === null || busy} onClick={staged} data-testid="contacts-bulk-set-stage"
          className="border-line hover:bg-hover rounded border px-3 py-1 disabled:opacity-50">
          {t("contacts.bulk.setStage")}
        </button>
        {mayDelete(me) && (
          <>
            <span className="border-line mx-1 h-5 border-l" aria-hidden />
            <button type="button" disabled={busy} onClick={() => setConfirmDelete(true)} data-testid="contacts-bulk-delete"
              className="border-line text-danger hover:bg-hover flex items-center gap-1 rounded border px-3 py-1 disabled:opacity-50">
              <Trash2 size={14} aria-hidden /> {t("contacts.bulk.delete")}
            </button>
          </>
        )}
        {busy && (
          <span role="status" className="text-muted" data-testid="contacts-bulk-progress">
            {t("contacts.bulk.progress", { done: progress, count: size })}
          </span>
        )}
        <span className="flex-1" />
        <button type="button" onClick={onClear} disabled={busy} className="text-muted hover:text-fg flex items-center gap-1 px-2 py-1">
          <X size={14} aria-hidden /> {t("contacts.bulk.clear")}
        </button>
      </form>
      {confirmDelete && (
        <Modal title={t("contacts.bulk.deleteTitle", { count: size })} testid="contacts-bulk-delete-dialog" onClose={() => setConfirmDelete(false)}>
          <p className="mb-2 text-sm">{t("contacts.bulk.deleteWhat")}</p>
          <p className="text-muted mb-4 text-sm">{t("contacts.delete.log")}</p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => setConfirmDelete(false)}>{t("contacts.delete.cancel")}</Button>
            <Button intent="danger" data-testid="contacts-bulk-delete-confirm" onClick={deleted}>
              {t("contacts.bulk.deleteConfirm", { count: size })}
            </Button>
          </div>
        </Modal>
      )}
    </>
  );
}
