// BulkActions: the bar over the contacts list while some are checked —
// add a tag to every checked contact or take it off them, or set their
// lifecycle stage (after an import, a campaign's list), as one contact's
// page does for one. Each contact is its own request (the server checks
// the person may see it), a few at a time; the bar says how far it got
// and what failed.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { Tag, X } from "lucide-react";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { useToast } from "../../lib/ui/toast";
import { useStages, useTags } from "./data";

/** At most this many requests at once: enough to be quick, few enough to leave the server to others. */
const AT_ONCE = 4;

/** eachAtOnce runs fn over items, n at a time, and answers the errors by item. */
export async function eachAtOnce<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>, onDone?: (done: number) => void): Promise<Map<T, Error>> {
  const failed = new Map<T, Error>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed.set(item, err instanceof Error ? err : new Error(String(err)));
      }
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return failed;
}

export function BulkActions({ ids, onClear }: { ids: number[]; onClear(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const tags = useTags().data?.data ?? [];
  const stages = useStages().data?.data ?? [];
  const [tag, setTag] = useState("");
  // null: no stage picked yet; "": clear the stage.
  const [stage, setStage] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const busy = progress !== null;

  /** apply runs one request per checked contact; what says, for a count, what was done. */
  const apply = async (request: (id: number) => Promise<unknown>, what: (count: number) => string) => {
    if (busy) return;
    setProgress(0);
    const failed = await eachAtOnce(ids, AT_ONCE, request, setProgress);
    setProgress(null);
    await qc.invalidateQueries({ queryKey: qk.contacts });
    const done = what(ids.length - failed.size);
    if (failed.size === 0) {
      toast(done, "info");
      onClear();
      return;
    }
    const first = failed.values().next().value!;
    toast(t("contacts.bulk.failed", { what: done, count: failed.size, reason: first.message }));
  };
  const tagged = (add: boolean) => {
    const name = tag.trim();
    if (!name) return;
    void apply(
      (id) => (add ? api.post(`/api/v1/contacts/${id}/tags`, { tag: name }) : api.del(`/api/v1/contacts/${id}/tags/${encodeURIComponent(name)}`)),
      (count) => t(add ? "contacts.bulk.added" : "contacts.bulk.removed", { tag: name, count }),
    );
  };
  const staged = () => {
    if (stage === null) return;
    void apply(
      (id) => api.put(`/api/v1/contacts/${id}/lifecycle`, { stage }),
      (count) => (stage ? t("contacts.bulk.staged", { stage, count }) : t("contacts.bulk.unstaged", { count })),
    );
  };
  const submit = (e: FormEvent) => (e.preventDefault(), tagged(true));

  return (
    <form onSubmit={submit} className="border-line bg-selected flex flex-wrap items-center gap-2 border-b px-4 py-2 text-sm" data-testid="contacts-bulk"
      aria-label={t("contacts.bulk.label")}>
      <span className="font-medium" data-testid="contacts-bulk-count">
        {t("contacts.bulk.selected", { count: ids.length })}
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
          className="border-line bg-bg w-44 rounded border px-2 py-1 text-sm"
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
      {busy && (
        <span role="status" className="text-muted" data-testid="contacts-bulk-progress">
          {t("contacts.bulk.progress", { done: progress, count: ids.length })}
        </span>
      )}
      <span className="flex-1" />
      <button type="button" onClick={onClear} disabled={busy} className="text-muted hover:text-fg flex items-center gap-1 px-2 py-1">
        <X size={14} aria-hidden /> {t("contacts.bulk.clear")}
      </button>
    </form>
  );
}
