// The contact panel, beside the timeline: who the contact is, their typed
// custom fields (edited inline, the server's refusal shown under the
// field), tags, lifecycle stage, channel identities and past conversations.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { Mail, Phone, Plus, X } from "lucide-react";
import { api, ApiError, type Page } from "../../../lib/api";
import { useFields, useStages, useTags } from "../../../lib/directory";

import { qk } from "../../../lib/queryKeys";
import { useMe } from "../../../lib/session";
import { Avatar } from "../../../lib/ui/Avatar";
import { useToast } from "../../../lib/ui/toast";
import type { ContactDetail, ContactField, Conversation } from "../../../lib/types";
import { useConversation } from "../conversation/data";
import { RatingBadge } from "../conversation/RatingBadge";
import { Identities } from "./Identities";
import { BlockButton, BlockedNotice } from "../../contacts/BlockContact";
import { ContactBroadcasts } from "./ContactBroadcasts";
import { PanelSection } from "./PanelSection";


export function contactDisplayName(c: ContactDetail): string {
  return [c.first_name, c.last_name].filter(Boolean).join(" ") || c.email || c.phone || "#" + c.id;
}

/** fieldText shows a stored value as text. */
export function fieldText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "✓" : "";
  return String(v);
}

/** fieldValue turns what was typed into the value the field's type stores ("" clears it). */
export function fieldValue(type: ContactField["type"], raw: string | boolean): unknown {
  if (typeof raw === "boolean") return raw;
  if (raw.trim() === "") return null;
  if (type === "number") {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

export function ContactPanel({ contactID, conversationID, view }: { contactID: number; conversationID: number; view: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const contact = useQuery({
    queryKey: qk.contact(contactID),
    queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${contactID}`),
  });
  const fields = useFields();
  const stages = useStages();
  // Shared with the conversation pane (one query key): which identity replies go to.
  const conversation = useConversation(conversationID);
  const past = useQuery({
    queryKey: qk.contactConversations(contactID),
    queryFn: () => api.get<Page<Conversation>>(`/api/v1/contacts/${contactID}/conversations`, { limit: 20 }),
  });

  // One optimistic change to the contact: applied at once, rolled back on refusal.
  const change = useMutation({
    mutationFn: (v: { run: () => Promise<unknown>; apply: (c: ContactDetail) => ContactDetail; field?: string }) => v.run(),
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: qk.contact(contactID), exact: true });
      const before = qc.getQueryData<ContactDetail>(qk.contact(contactID));
      if (before) qc.setQueryData(qk.contact(contactID), v.apply(before));
      return { before };
    },
    onError: (e: Error, v, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.contact(contactID), ctx.before);
      // A field's refusal is shown under the field; anything else as a toast.
      if (!(v.field && e instanceof ApiError && e.forField(v.field))) toast(t("contact.failed", { message: e.message }));
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: qk.contact(contactID), exact: true });
      void qc.invalidateQueries({ queryKey: qk.conversations });
    },
  });

  const c = contact.data;
  return (
    <aside
      id="contact-panel"
      data-testid="contact-panel"
      aria-label={t("contact.panel")}
      className="border-line bg-panel flex w-64 shrink-0 flex-col overflow-y-auto border-l 2xl:w-80"
    >
      {!c ? (
        <div className="flex flex-col gap-3 p-4" aria-busy="true">
          <div className="bg-subtle h-12 w-12 animate-pulse rounded-full" />
          <div className="bg-subtle h-4 w-40 animate-pulse rounded" />
          <div className="bg-subtle h-4 w-28 animate-pulse rounded" />
          {contact.isError && <p className="text-danger text-sm">{(contact.error as Error).message}</p>}
        </div>
      ) : (
        <>
          <div className="border-line flex items-center gap-3 border-b px-4 py-4">
            <Avatar name={contactDisplayName(c)} size={44} />
            <div className="min-w-0">
              <p className="truncate text-base font-semibold">{contactDisplayName(c)}</p>
              {c.email && (
                <p className="text-muted flex items-center gap-1 text-xs">
                  <Mail size={12} aria-hidden="true" className="shrink-0" /> <span className="truncate">{c.email}</span>
                </p>
              )}
              {c.phone && (
                <p className="text-muted flex items-center gap-1 text-xs">
                  <Phone size={12} aria-hidden="true" className="shrink-0" /> <span className="truncate">{c.phone}</span>
                </p>
              )}
            </div>
          </div>
          {c.blocked_at && (
            <div className="border-line border-b px-4 py-3">
              <BlockedNotice contact={c} compact />
            </div>
          )}

          <PanelSection title={t("contact.lifecycle")}>
            <select
              aria-label={t("contact.lifecycle")}
              data-testid="contact-lifecycle"
              value={c.lifecycle_stage}
              onChange={(e) => {
                const stage = e.target.value;
                change.mutate({
                  run: () => api.put(`/api/v1/contacts/${contactID}/lifecycle`, { stage }),
                  apply: (x) => ({ ...x, lifecycle_stage: stage }),
                });
              }}
              className="border-line bg-bg w-full rounded border px-2 py-1 text-sm"
            >
              <option value="">{t("contact.noStage")}</option>
              {(stages.data?.data ?? []).map((s) => (
                <option key={s.id} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </PanelSection>

          <PanelSection title={t("contact.tags")}>
            <Tags
              tags={c.tags}
              onAdd={(tag) =>
                change.mutate({
                  run: () => api.post(`/api/v1/contacts/${contactID}/tags`, { tag }),
                  apply: (x) => ({ ...x, tags: x.tags.includes(tag) ? x.tags : [...x.tags, tag] }),
                })
              }
              onRemove={(tag) =>
                change.mutate({
                  run: () => api.del(`/api/v1/contacts/${contactID}/tags/${encodeURIComponent(tag)}`),
                  apply: (x) => ({ ...x, tags: x.tags.filter((y) => y !== tag) }),
                })
              }
            />
          </PanelSection>

          <PanelSection title={t("contact.fields")}>
            {(fields.data?.data ?? []).length === 0 && <p className="text-muted text-sm">{t("contact.noFields")}</p>}
            <dl className="flex flex-col gap-2">
              {(fields.data?.data ?? []).map((f) => (
                <FieldRow
                  key={f.id}
                  field={f}
                  value={c.fields[f.key]}
                  onSave={(value) =>
                    change.mutateAsync({
                      run: () => api.patch(`/api/v1/contacts/${contactID}`, { fields: { [f.key]: value } }),
                      apply: (x) => ({ ...x, fields: { ...x.fields, [f.key]: value } }),
                      field: `fields.${f.key}`,
                    })
                  }
                />
              ))}
            </dl>
          </PanelSection>

          <PanelSection title={t("contact.identities")}>
            <Identities identities={c.identities} conversation={conversation.data} />
          </PanelSection>

          <ContactBroadcasts contactID={contactID} />

          <PanelSection title={t("contact.past")}>
            <PastConversations list={past.data?.data ?? []} current={conversationID} view={view} />
          </PanelSection>

          <div className="px-4 py-3">
            {/* Spam, abuse: their messages stop opening conversations. */}
            <BlockButton contact={c} compact />
          </div>
        </>
      )}
    </aside>
  );
}

function Tags({ tags, onAdd, onRemove }: { tags: string[]; onAdd(t: string): void; onRemove(t: string): void }) {
  const { t } = useTranslation();
  // The workspace's tags, offered as you type (a new one is made on add).
  const workspaceTags = useTags();
  const known = (workspaceTags.data?.data ?? []).map((x) => x.name);
  const [adding, setAdding] = useState("");
  return (
    <div className="flex flex-wrap items-center gap-1">
      {tags.map((tag) => (
        <span key={tag} className="bg-subtle border-line inline-flex items-center gap-1 rounded-full border py-0.5 pr-1 pl-2 text-xs">
          {tag}
          <button type="button" aria-label={t("contact.removeTag", { tag })} onClick={() => onRemove(tag)} className="hover:bg-hover rounded-full p-0.5">
            <X size={11} />
          </button>
        </span>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const tag = adding.trim();
          if (tag) onAdd(tag);
          setAdding("");
        }}
        className="inline-flex min-w-32 flex-1 items-center"
      >
        <Plus size={12} aria-hidden="true" className="text-muted" />
        <input
          value={adding}
          list="contact-tag-options"
          onChange={(e) => setAdding(e.target.value)}
          placeholder={t("contact.addTag")}
          aria-label={t("contact.addTag")}
          className="min-w-0 flex-1 bg-transparent px-1 py-0.5 text-xs"
        />
        <datalist id="contact-tag-options">
          {known.filter((k) => !tags.includes(k)).map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
      </form>
    </div>
  );
}

function FieldRow({ field, value, onSave }: { field: ContactField; value: unknown; onSave(v: unknown): Promise<unknown> }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async (v: unknown) => {
    setEditing(false);
    if (fieldText(v) === fieldText(value) && !(v === null && value !== null && value !== undefined)) return;
    setError(null);
    try {
      await onSave(v);
    } catch (e) {
      const msg = e instanceof ApiError ? (e.forField(`fields.${field.key}`) ?? null) : null;
      if (msg) setError(msg);
    }
  };
  const inputType = { number: "number", date: "date", time: "time", email: "email", url: "url" }[field.type as string] ?? "text";
  const id = `field-${field.key}`;
  return (
    <div className="flex flex-col gap-0.5">
      <dt>
        <label htmlFor={id} className="text-muted text-xs">
          {field.name}
        </label>
      </dt>
      <dd>
        {field.type === "checkbox" ? (
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => void save(e.target.checked)} />
        ) : field.type === "list" ? (
          <select
            id={id}
            value={fieldText(value)}
            onChange={(e) => void save(fieldValue("list", e.target.value))}
            aria-invalid={!!error}
            className="border-line bg-bg w-full rounded border px-2 py-1 text-sm"
          >
            <option value="">—</option>
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : editing ? (
          <input
            id={id}
            autoFocus
            type={inputType}
            value={draft}
            aria-invalid={!!error}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={() => void save(fieldValue(field.type, draft))}
            onKeyDown={(e) => {
              if (e.key === "Enter") void save(fieldValue(field.type, draft));
              if (e.key === "Escape") {
                e.stopPropagation();
                setEditing(false);
              }
            }}
            className="border-line bg-bg w-full rounded border px-2 py-1 text-sm"
          />
        ) : (
          <button
            id={id}
            type="button"
            onClick={() => {
              setDraft(fieldText(value));
              setEditing(true);
            }}
            className="hover:bg-hover w-full truncate rounded px-2 py-1 text-left text-sm"
            title={t("contact.editField", { name: field.name })}
          >
            {fieldText(value) || <span className="text-muted">{t("contact.empty")}</span>}
          </button>
        )}
        {error && (
          <p role="alert" className="text-danger mt-0.5 text-xs">
            {error}
          </p>
        )}
      </dd>
    </div>
  );
}

function PastConversations({ list, current, view }: { list: Conversation[]; current: number; view: string }) {
  const { t, i18n } = useTranslation();
  const tz = useMe().workspace.timezone || undefined;
  const { search } = useLocation(); // the list's choices stay
  if (list.length === 0) return <p className="text-muted text-sm">{t("contact.noPast")}</p>;
  return (
    <ul className="flex flex-col gap-1">
      {list.map((c) => (
        <li key={c.id}>
          <Link
            to={{ pathname: `/inbox/${view}/${c.id}`, search }}
            aria-current={c.id === current ? "page" : undefined}
            className={"hover:bg-hover flex min-w-0 flex-col rounded px-2 py-1 text-sm " + (c.id === current ? "bg-selected" : "")}
          >
            <span className="flex items-center justify-between gap-2">
              <span className="flex items-center gap-1.5">
                <span className="font-medium">#{c.id}</span>
                {c.satisfaction && <RatingBadge satisfaction={c.satisfaction} />}
              </span>
              <span className="text-muted text-xs">
                {t(`contact.status.${c.status}`)} · {new Intl.DateTimeFormat(i18n.language, { timeZone: tz, dateStyle: "short" }).format(new Date(c.opened_at))}
              </span>
            </span>
            {c.last_message?.text && <span className="text-muted truncate text-xs">{c.last_message.text}</span>}
            {c.satisfaction?.comment && (
              <span className="text-muted truncate text-xs italic" data-testid="past-rating-comment">
                {t("contact.ratingComment", { comment: c.satisfaction.comment })}
              </span>
            )}
          </Link>
        </li>
      ))}
    </ul>
  );
}
