// WebhooksSettings (owners and managers): outgoing webhook endpoints. Add
// or edit one (URL, description, the event types it wants), see its secret
// once with Copy (and rotate it), send a test delivery and see what the
// endpoint answered, and read each endpoint's delivery log with Resend.
import { useEffect, useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Copy, RefreshCw, Send } from "lucide-react";
import { api, ApiError, type Page } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import { useWorkspaceDate } from "../../../lib/workspaceDate";

type Endpoint = components["schemas"]["WebhookEndpoint"];
type Delivery = components["schemas"]["WebhookDelivery"];

const keys = {
  endpoints: ["settings", "webhooks"] as const,
  deliveries: (id: number) => ["settings", "webhooks", id, "deliveries"] as const,
};

/** The subscription names, grouped as the form shows them. */
const groups: { key: string; types: string[] }[] = [
  { key: "conversations", types: ["conversation.opened", "conversation.closed", "conversation.assigned", "conversation.rated"] },
  { key: "messages", types: ["message.received", "message.sent", "message.status"] },
  { key: "comments", types: ["comment.created", "comment.edited", "comment.deleted"] },
  { key: "contacts", types: ["contact.created", "contact.updated", "contact.tag.updated", "contact.lifecycle.updated", "contact.identity.added", "contact.merged", "contact.deleted"] },
  { key: "workflows", types: ["workflow.run.finished", "workflow.run.failed"] },
];

const typeKey = (type: string) => type.replaceAll(".", "_");

export default function WebhooksSettings() {
  const { t } = useTranslation();
  const endpoints = useQuery({ queryKey: keys.endpoints, queryFn: () => api.get<Page<Endpoint>>("/api/v1/webhooks") });
  const [editing, setEditing] = useState<Endpoint | "new" | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [logOf, setLogOf] = useState<number | null>(null);
  const list = endpoints.data?.data ?? [];
  const shown = list.find((e) => e.id === logOf);
  return (
    <div data-testid="settings-webhooks">
      <h1 className="mb-1 text-xl font-semibold">{t("settingsWebhooks.title")}</h1>
      <p className="text-muted mb-4 text-sm">{t("settingsWebhooks.intro")}</p>
      {secret && <SecretShown url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />}
      {editing && (
        <EndpointForm
          // The form copies its endpoint's values once: another endpoint's Edit is another form.
          key={editing === "new" ? "new" : editing.id}
          endpoint={editing === "new" ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved?.secret) setSecret({ url: saved.url, secret: saved.secret });
          }}
        />
      )}
      <Section
        title={t("settingsWebhooks.endpoints")}
        description={t("settingsWebhooks.endpointsHelp")}
        actions={
          !editing && (
            <Button intent="primary" data-testid="webhook-add" onClick={() => setEditing("new")}>
              {t("settingsWebhooks.add")}
            </Button>
          )
        }
      >
        {endpoints.isLoading ? (
          <div className="bg-hover h-16 animate-pulse rounded" />
        ) : list.length === 0 ? (
          <p className="text-muted text-sm">{t("settingsWebhooks.empty")}</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {list.map((ep) => (
              <EndpointRow
                key={ep.id}
                endpoint={ep}
                showingLog={logOf === ep.id}
                onEdit={() => setEditing(ep)}
                onLog={() => setLogOf(logOf === ep.id ? null : ep.id)}
                onSecret={(s) => setSecret({ url: ep.url, secret: s })}
              />
            ))}
          </ul>
        )}
      </Section>
      {shown && <DeliveryLog endpoint={shown} />}
    </div>
  );
}

function SecretShown({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      toast(t("settingsWebhooks.copied"), "info");
    } catch {
      toast(t("settingsWebhooks.copyFailed"));
    }
  }
  return (
    <div className="bg-note mb-4 flex flex-col gap-2 rounded p-3" data-testid="webhook-secret-shown">
      <p className="text-sm font-medium">{t("settingsWebhooks.secretOnce", { url })}</p>
      <div className="flex gap-2">
        <input
          readOnly
          aria-label={t("settingsWebhooks.secret")}
          value={secret}
          data-testid="webhook-secret"
          onFocus={(e) => e.target.select()}
          className="border-line bg-bg flex-1 rounded border px-2 py-1.5 font-mono text-xs"
        />
        <Button intent="primary" onClick={() => void copy()} data-testid="webhook-secret-copy">
          <Copy size={14} aria-hidden="true" className="mr-1 inline" />
          {t("settingsWebhooks.copy")}
        </Button>
        <Button onClick={onDone}>{t("settingsWebhooks.done")}</Button>
      </div>
    </div>
  );
}

function EndpointForm({ endpoint, onDone }: { endpoint: Endpoint | null; onDone: (saved?: Endpoint) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [url, setURL] = useState(endpoint?.url ?? "");
  const [description, setDescription] = useState(endpoint?.description ?? "");
  const [types, setTypes] = useState<string[]>(endpoint?.event_types ?? []);
  const [enabled, setEnabled] = useState(endpoint?.enabled ?? true);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { url, description, event_types: types, enabled };
      const saved = endpoint
        ? await api.patch<Endpoint>(`/api/v1/webhooks/${endpoint.id}`, body)
        : await api.post<Endpoint>("/api/v1/webhooks", body);
      void qc.invalidateQueries({ queryKey: keys.endpoints });
      onDone(saved);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "network", t("settingsWebhooks.failed")));
    } finally {
      setBusy(false);
    }
  }

  const general = error && !["url", "description", "event_types"].includes(error.field ?? "") ? error.message : "";
  return (
    <Section title={endpoint ? t("settingsWebhooks.edit") : t("settingsWebhooks.add")}>
      <form onSubmit={(e) => void save(e)} className="flex flex-col gap-3" data-testid="webhook-form" aria-label={t("settingsWebhooks.form")}>
        <Field label={t("settingsWebhooks.url")} error={error?.forField("url")} hint={t("settingsWebhooks.urlHelp")}>
          {(id, d) => (
            <TextInput
              id={id}
              type="url"
              required
              value={url}
              placeholder="https://example.com/switchboard"
              aria-describedby={d}
              aria-invalid={!!error?.forField("url")}
              data-testid="webhook-url"
              onChange={(e) => setURL(e.target.value)}
              className="max-w-xl font-mono"
            />
          )}
        </Field>
        <Field label={t("settingsWebhooks.description")} error={error?.forField("description")}>
          {(id, d) => (
            <TextInput
              id={id}
              value={description}
              aria-describedby={d}
              data-testid="webhook-description"
              onChange={(e) => setDescription(e.target.value)}
              className="max-w-xl"
            />
          )}
        </Field>
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">{t("settingsWebhooks.events")}</legend>
          <div className="grid grid-cols-2 gap-x-6 gap-y-3 lg:grid-cols-3">
            {groups.map((g) => (
              <div key={g.key} className="flex flex-col gap-1">
                <span className="text-muted text-xs font-semibold tracking-wide uppercase">{t(`settingsWebhooks.group.${g.key}`)}</span>
                {g.types.map((type) => (
                  <label key={type} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      data-testid={`webhook-type-${type}`}
                      checked={types.includes(type)}
                      onChange={(e) => setTypes((c) => (e.target.checked ? [...c, type] : c.filter((x) => x !== type)))}
                    />
                    <span>{t(`settingsWebhooks.type.${typeKey(type)}`)}</span>
                  </label>
                ))}
              </div>
            ))}
          </div>
          {error?.forField("event_types") && (
            <p role="alert" className="text-danger text-xs">
              {error.forField("event_types")}
            </p>
          )}
        </fieldset>
        {endpoint && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" data-testid="webhook-enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            {t("settingsWebhooks.enabled")}
          </label>
        )}
        {general && (
          <p role="alert" className="text-danger text-sm">
            {general}
          </p>
        )}
        <div className="flex gap-2">
          <Button intent="primary" type="submit" disabled={busy} data-testid="webhook-save">
            {endpoint ? t("settingsWebhooks.save") : t("settingsWebhooks.create")}
          </Button>
          <Button onClick={() => onDone()}>{t("settingsWebhooks.cancel")}</Button>
        </div>
      </form>
    </Section>
  );
}

function useDate() {
  const format = useWorkspaceDate({ dateStyle: "medium", timeStyle: "medium" });
  return (s?: string) => (s ? format(s) : "");
}

function EndpointRow({ endpoint: ep, showingLog, onEdit, onLog, onSecret }: {
  endpoint: Endpoint;
  showingLog: boolean;
  onEdit: () => void;
  onLog: () => void;
  onSecret: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const date = useDate();
  const [confirm, setConfirm] = useState<"delete" | "rotate" | null>(null);
  const [result, setResult] = useState<Delivery | null>(null);
  const test = useMutation({
    mutationFn: () => api.post<Delivery>(`/api/v1/webhooks/${ep.id}/test`),
    onSuccess: (d) => {
      setResult(d);
      void qc.invalidateQueries({ queryKey: keys.deliveries(ep.id) });
    },
    onError: (e) => toast(e instanceof ApiError ? e.message : t("settingsWebhooks.failed")),
  });
  const rotate = useMutation({
    mutationFn: () => api.post<Endpoint>(`/api/v1/webhooks/${ep.id}/rotate-secret`),
    onSuccess: (saved) => {
      setConfirm(null);
      if (saved.secret) onSecret(saved.secret);
    },
    onError: (e) => toast(e instanceof ApiError ? e.message : t("settingsWebhooks.failed")),
  });
  const remove = useMutation({
    mutationFn: () => api.del(`/api/v1/webhooks/${ep.id}`),
    onMutate: async () => {
      await qc.cancelQueries({ queryKey: keys.endpoints });
      const before = qc.getQueryData<Page<Endpoint>>(keys.endpoints);
      if (before) qc.setQueryData(keys.endpoints, { ...before, data: before.data.filter((x) => x.id !== ep.id) });
      return { before };
    },
    onError: (e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.endpoints, ctx.before);
      toast(e instanceof ApiError ? e.message : t("settingsWebhooks.failed"));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.endpoints }),
  });
  return (
    <li className="border-line rounded border p-3" data-testid="webhook-row" data-webhook-id={ep.id}>
      <div className="flex flex-col gap-2">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <span className="font-mono text-sm break-all" title={ep.url}>
              {ep.url}
            </span>
            <span
              data-testid="webhook-status"
              className={"rounded px-1.5 py-0.5 text-xs font-medium " + (ep.enabled ? "bg-success/15 text-success" : "bg-danger/15 text-danger")}
            >
              {ep.enabled ? t("settingsWebhooks.on") : t("settingsWebhooks.off")}
            </span>
          </div>
          {ep.description && <div className="text-sm">{ep.description}</div>}
          <div className="text-muted mt-1 text-xs">
            {t("settingsWebhooks.subscribed", { count: ep.event_types.length })}: {ep.event_types.join(", ")}
          </div>
          {!ep.enabled && ep.disabled_reason && (
            <p className="text-danger mt-1 text-xs" data-testid="webhook-disabled-reason">
              {t("settingsWebhooks.disabledBecause", { reason: ep.disabled_reason })}
            </p>
          )}
          {ep.enabled && ep.failing_since && (
            <p className="text-warning mt-1 text-xs">{t("settingsWebhooks.failingSince", { when: date(ep.failing_since) })}</p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-1">
          <Button data-testid="webhook-test" disabled={test.isPending} onClick={() => test.mutate()}>
            <Send size={14} aria-hidden="true" className="mr-1 inline" />
            {t("settingsWebhooks.test")}
          </Button>
          <Button data-testid="webhook-log" aria-pressed={showingLog} onClick={onLog}>
            {t("settingsWebhooks.log")}
          </Button>
          <Button data-testid="webhook-edit" onClick={onEdit}>
            {t("settingsWebhooks.edit")}
          </Button>
          {confirm === "rotate" ? (
            <>
              <Button intent="danger" data-testid="webhook-rotate-confirm" onClick={() => rotate.mutate()}>
                {t("settingsWebhooks.rotateConfirm")}
              </Button>
              <Button onClick={() => setConfirm(null)}>{t("settingsWebhooks.cancel")}</Button>
            </>
          ) : confirm === "delete" ? (
            <>
              <Button intent="danger" data-testid="webhook-delete-confirm" onClick={() => remove.mutate()}>
                {t("settingsWebhooks.deleteConfirm")}
              </Button>
              <Button onClick={() => setConfirm(null)}>{t("settingsWebhooks.cancel")}</Button>
            </>
          ) : (
            <>
              <Button data-testid="webhook-rotate" onClick={() => setConfirm("rotate")}>
                {t("settingsWebhooks.rotate")}
              </Button>
              <Button data-testid="webhook-delete" onClick={() => setConfirm("delete")}>
                {t("settingsWebhooks.delete")}
              </Button>
            </>
          )}
        </div>
      </div>
      {result && (
        <div
          role="status"
          data-testid="webhook-test-result"
          data-state={result.state}
          className={"mt-2 rounded p-2 text-sm " + (result.state === "delivered" ? "bg-success/10" : "bg-danger/10")}
        >
          <span className="font-medium">
            {result.state === "delivered"
              ? t("settingsWebhooks.testOK", { status: result.status_code, ms: result.duration_ms })
              : t("settingsWebhooks.testFailed", { reason: result.error ?? "" })}
          </span>
          {result.response_excerpt && <pre className="text-muted mt-1 max-h-24 overflow-auto text-xs whitespace-pre-wrap">{result.response_excerpt}</pre>}
        </div>
      )}
    </li>
  );
}

function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const date = useDate();
  const log = useInfiniteQuery({
    queryKey: keys.deliveries(endpoint.id),
    queryFn: ({ pageParam }) =>
      api.get<Page<Delivery>>(`/api/v1/webhooks/${endpoint.id}/deliveries`, pageParam ? { limit: 25, cursor: pageParam } : { limit: 25 }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];
  // A pending delivery changes when its next attempt is due: look again
  // then (not on an interval).
  const nextDue = rows
    .filter((d) => d.state === "pending" && d.next_attempt_at)
    .map((d) => new Date(d.next_attempt_at!).getTime())
    .sort((a, b) => a - b)[0];
  useEffect(() => {
    if (nextDue === undefined) return;
    const wait = Math.min(Math.max(nextDue - Date.now() + 1000, 1000), 60_000);
    const timer = setTimeout(() => void qc.invalidateQueries({ queryKey: keys.deliveries(endpoint.id) }), wait);
    return () => clearTimeout(timer);
  }, [nextDue, endpoint.id, qc]);
  const resend = useMutation({
    mutationFn: (id: number) => api.post<Delivery>(`/api/v1/webhooks/${endpoint.id}/deliveries/${id}/resend`),
    onSuccess: () => toast(t("settingsWebhooks.resent"), "info"),
    onError: (e) => toast(e instanceof ApiError ? e.message : t("settingsWebhooks.failed")),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.deliveries(endpoint.id) }),
  });
  return (
    <Section
      title={t("settingsWebhooks.logOf", { url: endpoint.url })}
      description={t("settingsWebhooks.logHelp")}
      actions={
        <Button data-testid="webhook-log-refresh" onClick={() => void log.refetch()} aria-label={t("settingsWebhooks.refresh")}>
          <RefreshCw size={14} aria-hidden="true" />
        </Button>
      }
    >
      {log.isLoading ? (
        <div className="bg-hover h-16 animate-pulse rounded" />
      ) : rows.length === 0 ? (
        <p className="text-muted text-sm">{t("settingsWebhooks.noDeliveries")}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="webhook-deliveries">
            <thead className="text-muted text-left text-xs">
              <tr>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.event")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.state")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.http")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.duration")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.attempts")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.when")}</th>
                <th className="py-1 pr-2 font-medium">{t("settingsWebhooks.col.response")}</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} className="border-line border-t align-top" data-testid="webhook-delivery" data-state={d.state} data-delivery-id={d.id}>
                  <td className="py-2 pr-2">
                    <div className="font-mono text-xs">{d.event_type}</div>
                    <div className="text-muted text-xs">{d.event_id ? t("settingsWebhooks.eventID", { id: d.event_id }) : t("settingsWebhooks.testEvent")}</div>
                  </td>
                  <td className="py-2 pr-2">
                    <span
                      className={
                        "rounded px-1.5 py-0.5 text-xs font-medium " +
                        (d.state === "delivered" ? "bg-success/15 text-success" : d.state === "failed" ? "bg-danger/15 text-danger" : "bg-warning/15 text-warning")
                      }
                    >
                      {t(`settingsWebhooks.state.${d.state}`, { defaultValue: d.state })}
                    </span>
                  </td>
                  <td className="py-2 pr-2 font-mono text-xs" data-testid="webhook-delivery-status">
                    {d.status_code ?? "—"}
                  </td>
                  <td className="py-2 pr-2 text-xs">{t("settingsWebhooks.ms", { ms: d.duration_ms })}</td>
                  <td className="py-2 pr-2 text-xs" data-testid="webhook-delivery-attempts">
                    {d.attempts}
                  </td>
                  <td className="py-2 pr-2 text-xs">
                    {d.state === "pending" && d.next_attempt_at ? (
                      <span>{t("settingsWebhooks.nextRetry", { when: date(d.next_attempt_at) })}</span>
                    ) : (
                      <span>{date(d.last_attempt_at ?? d.created_at)}</span>
                    )}
                  </td>
                  <td className="max-w-xs py-2 pr-2 text-xs">
                    {d.error && <div className="text-danger">{d.error}</div>}
                    {d.response_excerpt && (
                      <div className="text-muted truncate font-mono" title={d.response_excerpt}>
                        {d.response_excerpt}
                      </div>
                    )}
                  </td>
                  <td className="py-2 text-right">
                    <Button data-testid="webhook-resend" disabled={resend.isPending} onClick={() => resend.mutate(d.id)}>
                      {t("settingsWebhooks.resend")}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {log.hasNextPage && (
            <Button className="mt-2" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
              {t("settingsWebhooks.more")}
            </Button>
          )}
        </div>
      )}
    </Section>
  );
}
