// ContactDetail: one contact's page — its fields (edited in a form, the
// server's refusal under the field it names), tags, lifecycle stage,
// channel identities, conversations (each opens in the inbox; a new one
// starts from here: StartConversation) and its timeline of events; and
// the Merge and Delete actions.
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { ArrowLeft, GitMerge, Plus, Trash2, X } from "lucide-react";
import { api, ApiError, type Page } from "../../lib/api";
import { useChannels, useTeams, useUsers } from "../../lib/directory";
import { qk } from "../../lib/queryKeys";
import { useMe } from "../../lib/session";
import { Avatar } from "../../lib/ui/Avatar";
import { Button, Field, Select, TextInput } from "../../lib/ui/form";
import { useToast } from "../../lib/ui/toast";
import type { ContactDetail as Detail, ContactField, LogEvent } from "../../lib/types";
import { displayName, fieldText, mayDelete, mayMerge, useContactConversations, useFields, useStages } from "./data";
import { BlockButton, BlockedNotice } from "./BlockContact";
import { DeleteContactDialog } from "./DeleteContactDialog";
import { MergeDialog } from "./MergeDialog";
import { useWorkspaceDate } from "../../lib/workspaceDate";
import { StartConversation } from "./StartConversation";
import { MessageSearchCard } from "./MessageSearchCard";
import { describeContactEvent, type ContactNames } from "./contactEventText";
import { useWorkflowNames } from "../inbox/conversation/data";

const standard = ["first_name", "last_name", "phone", "email", "language", "country"] as const;

function Card({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="border-line rounded-lg border">
      <header className="border-line flex items-center border-b px-4 py-2">
        <h2 className="flex-1 text-sm font-semibold">{title}</h2>
        {actions}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}

export default function ContactDetailPage() {
  const { contactID } = useParams();
  const id = Number(contactID);
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const contact = useQuery({ queryKey: qk.contact(id), queryFn: () => api.get<Detail>(`/api/v1/contacts/${id}`), enabled: id > 0 });
  const mergeWith = Number(params.get("merge")) || 0;
  const [merging, setMerging] = useState(mergeWith > 0);
  const [deleting, setDeleting] = useState(false);
  useEffect(() => setMerging(mergeWith > 0), [mergeWith]);

  if (contact.isError) {
    return (
      <div className="p-6" data-testid="contact-missing">
        <Link to="/contacts" className="text-muted text-sm underline">
          {t("contacts.back")}
        </Link>
        <p role="alert" className="text-danger mt-4">
          {/* Deleted (perhaps by someone else, or in bulk) or merged into another: said so, not as a failure. */}
          {contact.error instanceof ApiError && contact.error.status === 404 ? t("contacts.gone") : (contact.error as Error).message}
        </p>
      </div>
    );
  }
  const c = contact.data;
  return (
    <div className="min-h-0 flex-1 overflow-y-auto" data-testid="contact-detail" data-contact-id={id}>
      <div className="mx-auto flex max-w-6xl flex-col gap-4 p-6">
        <div className="flex items-center gap-3">
          <Link to="/contacts" aria-label={t("contacts.back")} className="hover:bg-hover rounded p-1">
            <ArrowLeft size={18} aria-hidden />
          </Link>
          {c ? <Avatar name={displayName(c)} size={40} /> : <span className="bg-subtle h-10 w-10 animate-pulse rounded-full" />}
          <h1 className="flex-1 truncate text-xl font-semibold" data-testid="contact-name">
            {c ? displayName(c) : ""}
          </h1>
          {c && mayMerge(me) && (
            <Button data-testid="merge-open" onClick={() => setMerging(true)}>
              <span className="flex items-center gap-1">
                <GitMerge size={14} aria-hidden /> {t("contacts.merge.action")}
              </span>
            </Button>
          )}
          {c && <BlockButton contact={c} />}
          {c && mayDelete(me) && (
            <Button data-testid="contact-delete" onClick={() => setDeleting(true)} className="text-danger">
              <span className="flex items-center gap-1">
                <Trash2 size={14} aria-hidden /> {t("contacts.delete.action")}
              </span>
            </Button>
          )}
        </div>
        {c && <BlockedNotice contact={c} />}
        {c && (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
            <div className="flex flex-col gap-4">
              <ProfileForm key={c.id} contact={c} />
              <TagsCard contact={c} />
              <IdentitiesCard contact={c} />
            </div>
            <div className="flex flex-col gap-4">
              <ConversationsCard contact={c} />
              <MessageSearchCard contactID={id} />
              <TimelineCard contactID={id} contactName={displayName(c)} />
            </div>
          </div>
        )}
      </div>
      {c && deleting && <DeleteContactDialog contact={c} onClose={() => setDeleting(false)} />}
      {c && merging && (
        <MergeDialog
          into={c}
          initialFrom={mergeWith || undefined}
          onClose={() => {
            setMerging(false);
            if (mergeWith) setParams({}, { replace: true });
          }}
        />
      )}
    </div>
  );
}

/** formValues is what the profile form shows of a contact: its standard fields and custom values as text (a checkbox's as true or false). */
function formValues(c: Detail): Record<string, string | boolean> {
  const v: Record<string, string | boolean> = {};
  for (const k of standard) v[k] = c[k] ?? "";
  for (const [k, x] of Object.entries(c.fields)) v["fields." + k] = typeof x === "boolean" ? x : fieldText(x);
  return v;
}

/** The contact's standard and custom fields, saved together; only what changed is sent. */
function ProfileForm({ contact }: { contact: Detail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const fields = useFields().data?.data ?? [];
  const stages = useStages().data?.data ?? [];
  const [values, setValues] = useState(() => formValues(contact));
  // The contact changes under the form (its stage picked below, a tag, a
  // workflow, another tab): the fields the person has not touched show the
  // new values; what they typed stays, to be saved.
  const [from, setFrom] = useState(() => ({ at: contact.updated_at, values: formValues(contact) }));
  if (from.at !== contact.updated_at) {
    const fresh = formValues(contact);
    const kept = { ...fresh };
    for (const [k, v] of Object.entries(values)) if (v !== from.values[k]) kept[k] = v;
    setFrom({ at: contact.updated_at, values: fresh });
    setValues(kept);
  }
  const save = useMutation({
    mutationFn: (body: object) => api.patch<Detail>(`/api/v1/contacts/${contact.id}`, body),
    onSuccess: (next) => {
      // Saved: the form shows the contact as the server keeps it (a phone or
      // email it normalised included).
      const saved = formValues({ ...contact, ...next });
      setFrom({ at: next.updated_at, values: saved });
      setValues(saved);
      qc.setQueryData(qk.contact(contact.id), (old: Detail | undefined) => (old ? { ...old, ...next } : old));
      void qc.invalidateQueries({ queryKey: qk.contacts });
      toast(t("contacts.saved"), "info");
    },
  });
  const stage = useMutation({
    mutationFn: (s: string) => api.put(`/api/v1/contacts/${contact.id}/lifecycle`, { stage: s }),
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.contact(contact.id) }),
    onError: (e: Error) => toast(e.message),
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const otherError = save.error && !(err && (err.field || err.problems.length)) ? save.error.message : undefined;

  const submit = () => {
    const body: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    for (const k of standard) if ((values[k] ?? "") !== (contact[k] ?? "")) body[k] = values[k];
    for (const f of fields) {
      const now = values["fields." + f.key];
      const was = contact.fields[f.key];
      const wasText = typeof was === "boolean" ? was : fieldText(was);
      if (now === undefined || now === wasText) continue;
      if (typeof now === "boolean") custom[f.key] = now;
      else if (now.trim() === "") custom[f.key] = null;
      else custom[f.key] = f.type === "number" && Number.isFinite(Number(now)) ? Number(now) : now;
    }
    if (Object.keys(custom).length) body.fields = custom;
    if (Object.keys(body).length) save.mutate(body);
  };
  const set = (k: string, v: string | boolean) => setValues((x) => ({ ...x, [k]: v }));

  return (
    <Card title={t("contacts.detail.profile")}>
      <form
        className="grid grid-cols-2 gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {standard.map((k) => (
          <Field key={k} label={t(`contacts.field.${k}`)} error={err?.forField(k)}>
            {(fid, desc) => (
              <TextInput id={fid} aria-describedby={desc} aria-invalid={!!err?.forField(k)} data-testid={`contact-${k}`}
                value={String(values[k] ?? "")} onChange={(e) => set(k, e.target.value)} />
            )}
          </Field>
        ))}
        {fields.map((f) => (
          <CustomInput key={f.key} field={f} value={values["fields." + f.key]} error={err?.forField("fields." + f.key)}
            onChange={(v) => set("fields." + f.key, v)} />
        ))}
        <Field label={t("contacts.field.lifecycle_stage")}>
          {(fid) => (
            <Select id={fid} value={contact.lifecycle_stage} data-testid="contact-stage" onChange={(e) => stage.mutate(e.target.value)}>
              <option value="">{t("contacts.detail.noStage")}</option>
              {stages.map((s) => (
                <option key={s.id} value={s.name}>
                  {s.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="col-span-2 flex items-center gap-3">
          <Button intent="primary" type="submit" data-testid="contact-save" disabled={save.isPending}>
            {t("contacts.detail.save")}
          </Button>
          {otherError && (
            <p role="alert" className="text-danger text-sm">
              {otherError}
            </p>
          )}
        </div>
      </form>
    </Card>
  );
}

function CustomInput({ field, value, error, onChange }: { field: ContactField; value: string | boolean | undefined; error?: string; onChange(v: string | boolean): void }) {
  const { t } = useTranslation();
  if (field.type === "checkbox") {
    return (
      <label className="flex items-center gap-2 self-end py-1.5 text-sm">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {field.name}
        {error && (
          <span role="alert" className="text-danger text-xs">
            {error}
          </span>
        )}
      </label>
    );
  }
  const inputType = { number: "number", date: "date", time: "time", email: "email", url: "url" }[field.type as string] ?? "text";
  return (
    <Field label={field.name} error={error}>
      {(fid, desc) =>
        field.type === "list" ? (
          <Select id={fid} aria-describedby={desc} aria-invalid={!!error} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t("contacts.detail.none")}</option>
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </Select>
        ) : (
          <TextInput id={fid} type={inputType} step={field.type === "number" ? "any" : undefined} aria-describedby={desc}
            aria-invalid={!!error} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </Field>
  );
}

function TagsCard({ contact }: { contact: Detail }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const [tag, setTag] = useState("");
  const change = useMutation({
    mutationFn: (v: { tag: string; add: boolean }) =>
      v.add
        ? api.post<Detail>(`/api/v1/contacts/${contact.id}/tags`, { tag: v.tag })
        : api.del<Detail>(`/api/v1/contacts/${contact.id}/tags/${encodeURIComponent(v.tag)}`),
    onMutate: (v) => {
      const before = qc.getQueryData<Detail>(qk.contact(contact.id));
      if (before)
        qc.setQueryData(qk.contact(contact.id), {
          ...before,
          tags: v.add ? [...new Set([...before.tags, v.tag])].sort() : before.tags.filter((x) => x !== v.tag),
        });
      return { before };
    },
    onError: (e: Error, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.contact(contact.id), ctx.before);
      toast(e.message);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: qk.contact(contact.id) });
      void qc.invalidateQueries({ queryKey: qk.tags });
    },
  });
  return (
    <Card title={t("contacts.detail.tags")}>
      <ul className="mb-2 flex flex-wrap gap-1" data-testid="contact-tags">
        {contact.tags.length === 0 && <li className="text-muted text-sm">{t("contacts.detail.noTags")}</li>}
        {contact.tags.map((x) => (
          <li key={x} className="bg-subtle flex items-center gap-1 rounded px-2 py-0.5 text-sm">
            {x}
            <button type="button" aria-label={t("contacts.detail.removeTag", { tag: x })} className="hover:text-danger"
              onClick={() => change.mutate({ tag: x, add: false })}>
              <X size={12} aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (tag.trim()) change.mutate({ tag: tag.trim(), add: true });
          setTag("");
        }}
      >
        <TextInput value={tag} onChange={(e) => setTag(e.target.value)} aria-label={t("contacts.detail.addTag")}
          placeholder={t("contacts.detail.addTag")} className="flex-1" />
        <Button type="submit" aria-label={t("contacts.detail.addTag")}>
          <Plus size={14} aria-hidden />
        </Button>
      </form>
    </Card>
  );
}

function IdentitiesCard({ contact }: { contact: Detail }) {
  const { t } = useTranslation();
  const channels = new Map((useChannels().data?.data ?? []).map((c) => [c.id, c.name]));
  return (
    <Card title={t("contacts.detail.identities")}>
      {contact.identities.length === 0 ? (
        <p className="text-muted text-sm">{t("contacts.detail.noIdentities")}</p>
      ) : (
        <ul className="flex flex-col gap-1 text-sm" data-testid="contact-identities">
          {contact.identities.map((i) => (
            <li key={i.id} className="flex gap-2">
              {/* The channel's whole name, over two lines if need be: "Website (custo…" named nothing. */}
              <span className="text-muted w-40 shrink-0 break-words">{channels.get(i.channel_id) ?? `#${i.channel_id}`}</span>
              <span className="min-w-0 truncate font-mono text-xs leading-5" title={i.external_id}>
                {i.external_id}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function ConversationsCard({ contact }: { contact: Detail }) {
  const contactID = contact.id;
  const { t } = useTranslation();
  const list = useContactConversations(contactID);
  const date = useWorkspaceDate();
  const rows = list.data?.data ?? [];
  // A contact has one open conversation at most: while it is open, the
  // way to talk to them is that one, not a start the server refuses.
  const open = rows.find((c) => c.status !== "closed");
  return (
    <Card title={t("contacts.detail.conversations")}>
      {list.isPending ? (
        <div className="bg-subtle h-8 animate-pulse rounded" />
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm">{t("contacts.detail.noConversations")}</p>
      ) : (
        <ul className="flex flex-col" data-testid="contact-conversations">
          {rows.map((c) => (
            <li key={c.id}>
              <Link to={`/inbox/all/${c.id}`} data-testid="contact-conversation" data-conversation-id={c.id}
                className="hover:bg-hover flex items-center gap-2 rounded px-2 py-1.5 text-sm">
                <span className="font-medium">#{c.id}</span>
                <span className={"rounded px-1.5 text-xs " + (c.status === "closed" ? "bg-subtle text-muted" : "bg-accent text-accent-fg")}>
                  {t(`contacts.status.${c.status}`)}
                </span>
                <span className="text-muted flex-1 truncate text-xs">{c.close_summary}</span>
                <span className="text-muted text-xs">{date(c.opened_at)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {list.isPending ? null : open ? (
        <p className="text-muted mt-3 text-xs" data-testid="open-conversation-note">
          {t("contacts.start.open")}{" "}
          <Link to={`/inbox/all/${open.id}`} className="text-accent underline">
            {t("contacts.start.goTo", { id: open.id })}
          </Link>
        </p>
      ) : (
        <StartConversation contact={contact} />
      )}
    </Card>
  );
}

function TimelineCard({ contactID, contactName }: { contactID: number; contactName: string }) {
  const { t } = useTranslation();
  const events = useInfiniteQuery({
    queryKey: qk.contactEvents(contactID),
    queryFn: ({ pageParam }) => api.get<Page<LogEvent>>(`/api/v1/contacts/${contactID}/events`, { limit: 30, cursor: pageParam }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
  // Medium, as the conversations card beside it: "12/5/26" reads as
  // 12 May to half the world.
  const date = useWorkspaceDate();
  const names = useTimelineNames(contactName);
  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Card title={t("contacts.detail.timeline")}>
      <ol className="flex flex-col gap-1.5" data-testid="contact-timeline">
        {rows.map((e) => {
          const d = describeContactEvent(e, t, names);
          return (
            <li key={e.id} className="flex gap-2 text-sm" data-testid="contact-event" data-event-type={e.type}>
              <span className="text-muted w-40 shrink-0 text-xs leading-5 whitespace-nowrap">{date(e.created_at)}</span>
              <span className="min-w-0 flex-1">
                <span className={d.tone === "danger" ? "text-danger" : undefined}>{d.text}</span>
                {e.conversation_id ? (
                  <Link to={`/inbox/all/${e.conversation_id}`} className="text-muted ml-1 text-xs underline">
                    #{e.conversation_id}
                  </Link>
                ) : null}
                {d.details.map((line, i) => (
                  <span key={i} className="text-muted block text-xs">
                    {line}
                  </span>
                ))}
              </span>
            </li>
          );
        })}
      </ol>
      {events.hasNextPage && (
        <Button className="mt-2" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          {t("contacts.detail.more")}
        </Button>
      )}
    </Card>
  );
}

/** useTimelineNames names the users, teams, workflows, custom fields and channels the timeline's events point at, and the contact. */
function useTimelineNames(contact: string): ContactNames {
  const { i18n } = useTranslation();
  const me = useMe();
  const users = useUsers();
  const teams = useTeams();
  const workflows = useWorkflowNames(me.role !== "agent");
  const fields = useFields();
  const channels = useChannels();
  const format = useWorkspaceDate();
  return useMemo(() => {
    const user = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
    const team = new Map((teams.data?.data ?? []).map((x) => [x.id, x.name]));
    const workflow = new Map((workflows.data ?? []).map((w) => [w.id, w.name]));
    const field = new Map((fields.data?.data ?? []).map((f) => [f.key, f.name]));
    const channel = new Map((channels.data?.data ?? []).map((c) => [c.id, c.name]));
    return {
      user: (id) => (id ? user.get(id) : undefined),
      team: (id) => (id ? team.get(id) : undefined),
      workflow: (id) => (id ? workflow.get(id) : undefined),
      field: (key) => field.get(key),
      channelName: (id) => (id ? channel.get(id) : undefined),
      contact,
      time: format,
    };
    // format is made anew each render; the language and the data decide it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [users.data, teams.data, workflows.data, fields.data, channels.data, contact, i18n.language, me.workspace.timezone]);
}

