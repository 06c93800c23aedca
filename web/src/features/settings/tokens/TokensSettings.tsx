// TokensSettings (owners only): API tokens with their scopes. A new
// token's secret is shown once, with Copy; the list shows each token's
// scopes and last use; revoking asks first.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Copy } from "lucide-react";
import { allPages, api, ApiError, type Page } from "../../../lib/api";
import type { components } from "../../../lib/api-types";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import { useToast } from "../../../lib/ui/toast";
import { useWorkspaceDate } from "../../../lib/workspaceDate";

type Token = components["schemas"]["WorkspaceToken"];
type Created = components["schemas"]["CreatedToken"];

const scopes = ["read_only", "contacts", "conversations", "workflows"] as const;

export default function TokensSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const tokens = useQuery({ queryKey: qk.tokens, queryFn: () => allPages<Token>("/api/v1/tokens") });
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);

  const format = useWorkspaceDate();
  const date = (s?: string) => (s ? format(s) : t("tokens.never"));

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const out = await api.post<Created>("/api/v1/tokens", { name, scopes: chosen });
      setCreated(out);
      setName("");
      setChosen([]);
      void qc.invalidateQueries({ queryKey: qk.tokens });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "network", t("tokens.failed")));
    } finally {
      setBusy(false);
    }
  }

  const revoke = useMutation({
    mutationFn: (id: number) => api.del(`/api/v1/tokens/${id}`),
    onMutate: async (id) => {
      setConfirm(null);
      await qc.cancelQueries({ queryKey: qk.tokens });
      const before = qc.getQueryData<Page<Token>>(qk.tokens);
      if (before) qc.setQueryData(qk.tokens, { ...before, data: before.data.filter((x) => x.id !== id) });
      return { before };
    },
    onError: (e, _id, ctx) => {
      if (ctx?.before) qc.setQueryData(qk.tokens, ctx.before);
      toast(e instanceof ApiError ? e.message : t("tokens.failed"));
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: qk.tokens }),
  });

  async function copy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      toast(t("tokens.copied"), "info");
    } catch {
      toast(t("tokens.copyFailed"));
    }
  }

  const general = error && error.field !== "name" && error.field !== "scopes" ? error.message : "";
  const list = tokens.data?.data ?? [];
  return (
    <div data-testid="settings-tokens">
      <h1 className="mb-4 text-xl font-semibold">{t("settings.nav.tokens")}</h1>
      <Section title={t("tokens.create")} description={t("tokens.createHelp")}>
        {created && (
          <div className="bg-note mb-4 flex flex-col gap-2 rounded p-3" data-testid="token-created">
            <p className="text-sm font-medium">{t("tokens.shownOnce", { name: created.name })}</p>
            <div className="flex gap-2">
              <input
                readOnly
                aria-label={t("tokens.secret")}
                value={created.secret}
                data-testid="token-secret"
                onFocus={(e) => e.target.select()}
                className="border-line bg-bg flex-1 rounded border px-2 py-1.5 font-mono text-xs"
              />
              <Button intent="primary" onClick={() => void copy(created.secret)} data-testid="token-copy">
                <Copy size={14} aria-hidden="true" className="mr-1 inline" />
                {t("tokens.copy")}
              </Button>
              <Button onClick={() => setCreated(null)}>{t("tokens.done")}</Button>
            </div>
          </div>
        )}
        <form onSubmit={(e) => void create(e)} className="flex flex-col gap-3">
          <Field label={t("tokens.name")} error={error?.forField("name")}>
            {(id, d) => (
              <TextInput
                id={id}
                value={name}
                aria-describedby={d}
                aria-invalid={!!error?.forField("name")}
                data-testid="token-name"
                onChange={(e) => setName(e.target.value)}
                className="max-w-sm"
              />
            )}
          </Field>
          <fieldset className="flex flex-col gap-1">
            <legend className="mb-1 text-sm font-medium">{t("tokens.scopes")}</legend>
            {scopes.map((s) => (
              <label key={s} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  data-testid={`token-scope-${s}`}
                  checked={chosen.includes(s)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))}
                />
                <span>
                  <span className="font-medium">{t(`tokens.scope.${s}`)}</span>
                  <span className="text-muted block text-xs">{t(`tokens.scopeHelp.${s}`)}</span>
                </span>
              </label>
            ))}
            <p className="text-muted text-xs">{t("tokens.noScopes")}</p>
            {error?.forField("scopes") && <p className="text-danger text-xs">{error.forField("scopes")}</p>}
          </fieldset>
          {general && (
            <p role="alert" className="text-danger text-sm">
              {general}
            </p>
          )}
          <div>
            <Button intent="primary" type="submit" disabled={busy} data-testid="token-create">
              {t("tokens.createButton")}
            </Button>
          </div>
        </form>
      </Section>
      <Section title={t("tokens.list")}>
        {tokens.isLoading ? (
          <div className="bg-hover h-16 animate-pulse rounded" />
        ) : list.length === 0 ? (
          <p className="text-muted text-sm">{t("tokens.empty")}</p>
        ) : (
          <table className="w-full text-sm" data-testid="tokens-table">
            <thead className="text-muted text-left text-xs">
              <tr>
                <th className="py-1 pr-2 font-medium">{t("tokens.name")}</th>
                <th className="py-1 pr-2 font-medium">{t("tokens.scopes")}</th>
                <th className="py-1 pr-2 font-medium">{t("tokens.created")}</th>
                <th className="py-1 pr-2 font-medium">{t("tokens.lastUsed")}</th>
                <th className="py-1" />
              </tr>
            </thead>
            <tbody>
              {list.map((tk) => (
                <tr key={tk.id} data-testid="token-row" className="border-line border-t">
                  <td className="py-2 pr-2">
                    <div className="font-medium">{tk.name}</div>
                    <div className="text-muted font-mono text-xs">{tk.prefix}…</div>
                  </td>
                  <td className="py-2 pr-2">
                    {(tk.scopes ?? []).length === 0 ? (
                      <span className="text-muted">{t("tokens.full")}</span>
                    ) : (
                      <span className="flex flex-wrap gap-1">
                        {(tk.scopes ?? []).map((s) => (
                          <span key={s} className="bg-hover rounded px-1.5 py-0.5 text-xs">
                            {t(`tokens.scope.${s}`, { defaultValue: s })}
                          </span>
                        ))}
                      </span>
                    )}
                  </td>
                  <td className="py-2 pr-2">{date(tk.created_at)}</td>
                  <td className="py-2 pr-2">{date(tk.last_used_at)}</td>
                  <td className="py-2 text-right whitespace-nowrap">
                    {confirm === tk.id ? (
                      <span className="inline-flex gap-1">
                        <Button intent="danger" data-testid="token-revoke-confirm" onClick={() => revoke.mutate(tk.id)}>
                          {t("tokens.revokeConfirm")}
                        </Button>
                        <Button onClick={() => setConfirm(null)}>{t("tokens.cancel")}</Button>
                      </span>
                    ) : (
                      <Button data-testid="token-revoke" onClick={() => setConfirm(tk.id)}>
                        {t("tokens.revoke")}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}
