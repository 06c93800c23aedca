// MergeDialog: merge another contact into this one. First pick the other
// (the merge suggestions that name this contact, or a search), then choose,
// field by field side by side, whose value the kept contact ends with; by
// default the older contact's, as the server does.
import { useMemo, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { X } from "lucide-react";
import { api, type Page } from "../../lib/api";
import { qk } from "../../lib/queryKeys";
import { Button, TextInput } from "../../lib/ui/form";
import { useToast } from "../../lib/ui/toast";
import type { Contact, ContactDetail } from "../../lib/types";
import { displayName, fieldText, useFields, type MergeResult, type MergeSuggestion } from "./data";

const standard = ["first_name", "last_name", "phone", "email", "language", "country", "lifecycle_stage"] as const;

type Side = "into" | "from";

/** olderSide says which contact is the older: its values win unless chosen otherwise. */
export function olderSide(into: Pick<Contact, "id" | "created_at">, from: Pick<Contact, "id" | "created_at">): Side {
  const a = Date.parse(into.created_at);
  const b = Date.parse(from.created_at);
  if (b < a || (b === a && from.id < into.id)) return "from";
  return "into";
}

/** defaultChoice is the side whose value a field takes when nobody chooses (the server's rule). */
export function defaultChoice(older: Side, intoValue: string, fromValue: string): Side {
  const olderValue = older === "into" ? intoValue : fromValue;
  if (olderValue !== "") return older;
  return older === "into" ? "from" : "into";
}

/**
 * mergeValue shows a custom value for the merge: as fieldText, except an
 * unticked checkbox, which is a value (false) the server keeps like any
 * other, not an empty cell.
 */
export function mergeValue(v: unknown): string {
  if (v === false) return "✗";
  return fieldText(v);
}

export function MergeDialog({ into, initialFrom, onClose }: { into: ContactDetail; initialFrom?: number; onClose(): void }) {
  const { t } = useTranslation();
  const [fromID, setFromID] = useState<number | undefined>(initialFrom);
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/30" />
        <Dialog.Content
          data-testid="merge-dialog"
          aria-describedby={undefined}
          className="border-line bg-bg fixed top-[8vh] left-1/2 z-50 max-h-[84vh] w-[44rem] max-w-[calc(100vw-2rem)] -translate-x-1/2 overflow-y-auto rounded-lg border p-4 shadow-2xl"
        >
          <div className="mb-3 flex items-center">
            <Dialog.Title className="flex-1 text-base font-semibold">
              {t("contacts.merge.title", { name: displayName(into) })}
            </Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" aria-label={t("contacts.close")} className="hover:bg-hover rounded p-1">
                <X size={16} aria-hidden />
              </button>
            </Dialog.Close>
          </div>
          {fromID ? (
            <MergeChoice into={into} fromID={fromID} onBack={() => setFromID(undefined)} onDone={onClose} />
          ) : (
            <PickOther into={into} onPick={setFromID} />
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function PickOther({ into, onPick }: { into: ContactDetail; onPick(id: number): void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const suggestions = useQuery({
    queryKey: qk.mergeSuggestions,
    queryFn: () => api.get<Page<MergeSuggestion>>("/api/v1/contacts/merge-suggestions"),
  });
  const search = useQuery({
    queryKey: qk.contactList({ q, limit: 10 }),
    queryFn: () => api.get<Page<Contact>>("/api/v1/contacts", { q, limit: 10 }),
    enabled: q.trim().length > 0,
  });
  const mine = (suggestions.data?.data ?? [])
    .filter((s) => s.a.id === into.id || s.b.id === into.id)
    .map((s) => ({ other: s.a.id === into.id ? s.b : s.a, reason: s.reason, value: s.value }));
  const found = (search.data?.data ?? []).filter((c) => c.id !== into.id);
  const row = (c: Contact, note?: string) => (
    <li key={c.id}>
      <button type="button" data-testid={`merge-candidate-${c.id}`} onClick={() => onPick(c.id)}
        className="hover:bg-hover flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-sm">
        <span className="font-medium">{displayName(c)}</span>
        <span className="text-muted truncate text-xs">{[c.phone, c.email].filter(Boolean).join(" · ")}</span>
        {note && <span className="bg-subtle ml-auto rounded px-1.5 text-xs">{note}</span>}
      </button>
    </li>
  );
  return (
    <div className="flex flex-col gap-3">
      <section>
        <h3 className="text-muted mb-1 text-xs font-semibold uppercase">{t("contacts.merge.suggested")}</h3>
        {mine.length === 0 ? (
          <p className="text-muted text-sm">{t("contacts.merge.noSuggestion")}</p>
        ) : (
          <ul>{mine.map((m) => row(m.other, t(`contacts.merge.reason.${m.reason}`, { value: m.value })))}</ul>
        )}
      </section>
      <section>
        <label className="text-muted mb-1 block text-xs font-semibold uppercase" htmlFor="merge-search">
          {t("contacts.merge.search")}
        </label>
        <TextInput id="merge-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} className="w-full"
          placeholder={t("contacts.filter.searchPlaceholder")} />
        <ul className="mt-1">{found.map((c) => row(c))}</ul>
      </section>
    </div>
  );
}

function MergeChoice({ into, fromID, onBack, onDone }: { into: ContactDetail; fromID: number; onBack(): void; onDone(): void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const fields = useFields().data?.data ?? [];
  const from = useQuery({ queryKey: qk.contact(fromID), queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${fromID}`) });
  const [choice, setChoice] = useState<Record<string, Side>>({});
  const f = from.data;
  const older = f ? olderSide(into, f) : "into";

  const rows = useMemo(() => {
    if (!f) return [];
    const out: { key: string; label: string; a: string; b: string }[] = standard.map((k) => ({
      key: k,
      label: t(`contacts.field.${k}`),
      a: String(into[k] ?? ""),
      b: String(f[k] ?? ""),
    }));
    for (const def of fields) {
      const a = mergeValue(into.fields[def.key]);
      const b = mergeValue(f.fields[def.key]);
      if (a || b) out.push({ key: def.key, label: def.name, a, b });
    }
    return out;
  }, [into, f, fields, t]);

  const merge = useMutation({
    mutationFn: () => {
      const keep: Record<string, Side> = {};
      for (const r of rows) if (r.a && r.b && r.a !== r.b) keep[r.key] = choice[r.key] ?? defaultChoice(older, r.a, r.b);
      return api.post<MergeResult>(`/api/v1/contacts/${into.id}/merge`, { from: fromID, keep });
    },
    onSuccess: (res) => {
      qc.setQueryData(qk.contact(into.id), (old: ContactDetail | undefined) => (old ? { ...old, ...res.contact } : old));
      qc.removeQueries({ queryKey: qk.contact(fromID) });
      void qc.invalidateQueries({ queryKey: qk.contact(into.id) });
      void qc.invalidateQueries({ queryKey: qk.contacts });
      void qc.invalidateQueries({ queryKey: qk.conversations });
      toast(
        res.closed_conversation_id
          ? t("contacts.merge.doneClosed", { id: res.closed_conversation_id })
          : t("contacts.merge.done"),
        "info",
      );
      onDone();
    },
    onError: (e: Error) => toast(e.message),
  });

  if (from.isError) {
    return (
      <p role="alert" className="text-danger text-sm">
        {(from.error as Error).message}
      </p>
    );
  }
  if (!f) return <div className="bg-subtle h-40 animate-pulse rounded" />;
  const radio = (key: string, side: Side, value: string, differs: boolean, def: Side) =>
    differs ? (
      <label className="flex items-center gap-2">
        <input type="radio" name={`keep-${key}`} data-testid={`keep-${key}-${side}`} checked={(choice[key] ?? def) === side}
          onChange={() => setChoice((c) => ({ ...c, [key]: side }))} />
        <span className="truncate">{value}</span>
      </label>
    ) : (
      <span className={"truncate " + (value ? "" : "text-muted")}>{value || "—"}</span>
    );
  return (
    <div className="flex flex-col gap-3">
      <p className="text-muted text-sm">{t("contacts.merge.explain", { older: displayName(older === "into" ? into : f) })}</p>
      <table className="w-full table-fixed text-sm" data-testid="merge-table">
        <thead>
          <tr className="text-muted border-line border-b text-left text-xs uppercase">
            <th className="w-36 py-1 font-semibold">{t("contacts.merge.field")}</th>
            <th className="py-1 font-semibold">{t("contacts.merge.kept", { name: displayName(into) })}</th>
            <th className="py-1 font-semibold">{t("contacts.merge.merged", { name: displayName(f) })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const differs = !!r.a && !!r.b && r.a !== r.b;
            const def = defaultChoice(older, r.a, r.b);
            return (
              <tr key={r.key} className="border-line border-b last:border-0">
                <th scope="row" className="py-1.5 pr-2 text-left font-medium">
                  {r.label}
                </th>
                <td className="py-1.5 pr-2">{radio(r.key, "into", r.a, differs, def)}</td>
                <td className="py-1.5">{radio(r.key, "from", r.b, differs, def)}</td>
              </tr>
            );
          })}
          <tr>
            <th scope="row" className="py-1.5 pr-2 text-left font-medium">
              {t("contacts.detail.tags")}
            </th>
            <td colSpan={2} className="py-1.5">
              {[...new Set([...into.tags, ...f.tags])].sort().join(", ") || "—"}
            </td>
          </tr>
        </tbody>
      </table>
      <p className="text-muted text-xs">
        {t("contacts.merge.moves", { identities: f.identities.length })} {t("contacts.merge.openRule")}
      </p>
      <div className="flex items-center gap-2">
        <Button onClick={onBack}>{t("contacts.merge.back")}</Button>
        <Button onClick={() => navigate(`/contacts/${fromID}?merge=${into.id}`)}>{t("contacts.merge.swap")}</Button>
        <span className="flex-1" />
        <Button intent="danger" data-testid="merge-confirm" disabled={merge.isPending} onClick={() => merge.mutate()}>
          {t("contacts.merge.confirm", { name: displayName(f) })}
        </Button>
      </div>
    </div>
  );
}
