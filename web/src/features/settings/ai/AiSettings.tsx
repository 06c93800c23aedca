// AiSettings: the workspace's model provider (an OpenAI-compatible API:
// base URL, key shown only as set, models, monthly token budget,
// redaction), this month's usage against the budget, a test call, and the
// intents the Classify workflow step sorts messages into, with a box to
// try a phrase.
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { Button, Field, Section, TextInput } from "../../../lib/ui/form";
import type { AiClassification, AiIntent, AiSettings as Settings, AiTestResult, AiUsage } from "../../../lib/types";
import { ConfirmDelete, fieldError, generalError, SkeletonRows, useListMutation } from "../workspace/common";

const keys = {
  settings: ["ai", "settings"] as const,
  usage: ["ai", "usage"] as const,
  intents: ["ai", "intents"] as const,
};

export default function AiSettings() {
  const { t } = useTranslation();
  return (
    <div data-testid="settings-ai">
      <h1 className="mb-4 text-xl font-semibold">{t("settingsAi.title")}</h1>
      <ProviderSection />
      <UsageSection />
      <IntentsSection />
    </div>
  );
}

function ProviderSection() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: keys.settings, queryFn: () => api.get<Settings>("/api/v1/ai/settings") });
  const [form, setForm] = useState({ base_url: "", chat_model: "", embeddings_model: "", monthly_budget: "0", redact: false, llm_classify: false, threshold: "0.5" });
  const [apiKey, setApiKey] = useState("");
  const [replacing, setReplacing] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    setForm({
      base_url: s.base_url,
      chat_model: s.chat_model,
      embeddings_model: s.embeddings_model,
      monthly_budget: String(s.monthly_budget),
      redact: s.redact,
      llm_classify: s.llm_classify,
      threshold: String(s.threshold),
    });
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.put<Settings>("/api/v1/ai/settings", body),
    onSuccess: (s) => {
      qc.setQueryData(keys.settings, s);
      qc.invalidateQueries({ queryKey: keys.usage });
      setApiKey("");
      setReplacing(false);
      setSaved(true);
    },
  });
  const test = useMutation({ mutationFn: () => api.post<AiTestResult>("/api/v1/ai/test", {}), onSettled: () => qc.invalidateQueries({ queryKey: keys.usage }) });
  const err = save.error;
  const known = ["base_url", "api_key", "chat_model", "embeddings_model", "monthly_budget", "threshold"];
  const s = settings.data;
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setSaved(false);
    setForm({ ...form, [k]: e.target.type === "checkbox" ? e.target.checked : e.target.value });
  };
  if (settings.isLoading) return <SkeletonRows n={4} />;
  return (
    <Section title={t("settingsAi.provider.title")} description={t("settingsAi.provider.description")}>
      <form
        className="flex max-w-xl flex-col gap-3"
        aria-label={t("settingsAi.provider.title")}
        onSubmit={(e) => {
          e.preventDefault();
          const body: Record<string, unknown> = {
            base_url: form.base_url,
            chat_model: form.chat_model,
            embeddings_model: form.embeddings_model,
            monthly_budget: Number(form.monthly_budget) || 0,
            redact: form.redact,
            llm_classify: form.llm_classify,
          };
          // An emptied threshold is left as saved: Number("") is 0, which
          // would make every intent count, however unsure.
          if (form.threshold.trim() !== "") body.threshold = Number(form.threshold);
          if (apiKey !== "" || replacing) body.api_key = apiKey;
          save.mutate(body);
        }}
      >
        <Field label={t("settingsAi.provider.baseUrl")} hint={t("settingsAi.provider.baseUrlHint")} error={fieldError(err, "base_url")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "base_url")} value={form.base_url} onChange={set("base_url")} placeholder="https://api.openai.com/v1" data-testid="ai-base-url" />}
        </Field>
        <Field label={t("settingsAi.provider.apiKey")} hint={s?.api_key_set && !replacing ? t("settingsAi.provider.keySet", { last4: s.api_key_last4 || "…" }) : t("settingsAi.provider.keyHint")} error={fieldError(err, "api_key")}>
          {(id, d) =>
            s?.api_key_set && !replacing ? (
              <div className="flex items-center gap-2">
                <span className="text-sm" data-testid="ai-key-status">
                  {t("settingsAi.provider.keyIsSet")} ••••{s.api_key_last4}
                </span>
                <Button onClick={() => setReplacing(true)} data-testid="ai-key-replace" aria-describedby={d}>
                  {t("settingsAi.provider.replaceKey")}
                </Button>
              </div>
            ) : (
              <TextInput id={id} type="password" autoComplete="off" aria-describedby={d} aria-invalid={!!fieldError(err, "api_key")} value={apiKey} onChange={(e) => setApiKey(e.target.value)} data-testid="ai-api-key" />
            )
          }
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field label={t("settingsAi.provider.chatModel")} error={fieldError(err, "chat_model")}>
            {(id, d) => <TextInput id={id} aria-describedby={d} value={form.chat_model} onChange={set("chat_model")} placeholder="gpt-4o-mini" data-testid="ai-chat-model" />}
          </Field>
          <Field label={t("settingsAi.provider.embeddingsModel")} error={fieldError(err, "embeddings_model")}>
            {(id, d) => <TextInput id={id} aria-describedby={d} value={form.embeddings_model} onChange={set("embeddings_model")} placeholder="text-embedding-3-small" data-testid="ai-embeddings-model" />}
          </Field>
          <Field label={t("settingsAi.provider.budget")} hint={t("settingsAi.provider.budgetHint")} error={fieldError(err, "monthly_budget")}>
            {(id, d) => <TextInput id={id} type="number" min={0} step={1000} aria-describedby={d} aria-invalid={!!fieldError(err, "monthly_budget")} value={form.monthly_budget} onChange={set("monthly_budget")} data-testid="ai-budget" />}
          </Field>
          <Field label={t("settingsAi.provider.threshold")} hint={t("settingsAi.provider.thresholdHint")} error={fieldError(err, "threshold")}>
            {(id, d) => <TextInput id={id} type="number" min={0} max={1} step={0.05} aria-describedby={d} aria-invalid={!!fieldError(err, "threshold")} value={form.threshold} onChange={set("threshold")} />}
          </Field>
        </div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-0.5" checked={form.redact} onChange={set("redact")} data-testid="ai-redact" />
          <span>
            {t("settingsAi.provider.redact")}
            <span className="text-muted block">{t("settingsAi.provider.redactHint")}</span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-0.5" checked={form.llm_classify} onChange={set("llm_classify")} />
          <span>
            {t("settingsAi.provider.llmClassify")}
            <span className="text-muted block">{t("settingsAi.provider.llmClassifyHint")}</span>
          </span>
        </label>
        {generalError(err, known) && (
          <p role="alert" className="text-danger text-sm">
            {generalError(err, known)}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <Button intent="primary" type="submit" disabled={save.isPending} data-testid="ai-save">
            {t("settingsAi.provider.save")}
          </Button>
          <Button onClick={() => test.mutate()} disabled={test.isPending || !s?.configured} data-testid="ai-test">
            {test.isPending ? t("settingsAi.provider.testing") : t("settingsAi.provider.test")}
          </Button>
          {s?.api_key_set && replacing && (
            <Button onClick={() => setReplacing(false)}>{t("workspaceSettings.common.cancel")}</Button>
          )}
          {saved && (
            <span role="status" className="text-success text-sm">
              {t("settingsAi.provider.saved")}
            </span>
          )}
        </div>
        {test.data && (
          <p role="status" data-testid="ai-test-result" data-ok={test.data.ok ? "true" : "false"} className={"rounded border px-3 py-2 text-sm " + (test.data.ok ? "border-success" : "border-danger")}>
            {test.data.ok ? t("settingsAi.provider.testOk", { model: test.data.model, ms: test.data.latency_ms, reply: test.data.reply }) : t("settingsAi.provider.testFailed", { error: test.data.error })}
          </p>
        )}
        {test.error && (
          <p role="alert" className="text-danger text-sm">
            {String((test.error as Error).message)}
          </p>
        )}
      </form>
    </Section>
  );
}

function UsageSection() {
  const { t, i18n } = useTranslation();
  const usage = useQuery({ queryKey: keys.usage, queryFn: () => api.get<AiUsage>("/api/v1/ai/usage") });
  const u = usage.data;
  const fmt = new Intl.NumberFormat(i18n.language);
  const share = u && u.monthly_budget > 0 ? Math.min(1, u.total_tokens / u.monthly_budget) : 0;
  return (
    <Section title={t("settingsAi.usage.title")} description={t("settingsAi.usage.description")}>
      {!u ? (
        <SkeletonRows n={1} />
      ) : (
        <div className="flex max-w-xl flex-col gap-2 text-sm" data-testid="ai-usage">
          <p>
            <span data-testid="ai-usage-total">{fmt.format(u.total_tokens)}</span>{" "}
            {u.monthly_budget > 0 ? t("settingsAi.usage.ofBudget", { budget: fmt.format(u.monthly_budget), month: u.month }) : t("settingsAi.usage.noBudget", { month: u.month })}
          </p>
          {u.monthly_budget > 0 && (
            <div
              className="bg-hover h-2 w-full overflow-hidden rounded"
              role="progressbar"
              aria-label={t("settingsAi.usage.title")}
              aria-valuemin={0}
              aria-valuemax={u.monthly_budget}
              aria-valuenow={Math.min(u.total_tokens, u.monthly_budget)}
            >
              <div className={"h-full " + (share >= 1 ? "bg-danger" : share > 0.8 ? "bg-warning" : "bg-accent")} style={{ width: `${Math.round(share * 100)}%` }} />
            </div>
          )}
          <p className="text-muted">
            {t("settingsAi.usage.detail", { count: u.calls, calls: fmt.format(u.calls), prompt: fmt.format(u.prompt_tokens), completion: fmt.format(u.completion_tokens) })}
          </p>
          {u.monthly_budget > 0 && u.remaining === 0 && (
            <p role="alert" className="text-danger">
              {t("settingsAi.usage.spent")}
            </p>
          )}
        </div>
      )}
    </Section>
  );
}

/** lines turns a textarea into example phrases, one a line. */
function lines(s: string): string[] {
  return s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

function IntentsSection() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: keys.intents, queryFn: () => api.get<Page<AiIntent>>("/api/v1/intents") });
  const [editing, setEditing] = useState<number | null>(null);
  const remove = useListMutation<AiIntent, number>(keys.intents, (id) => api.del(`/api/v1/intents/${id}`), (items, id) => items.filter((x) => x.id !== id));
  return (
    <Section title={t("settingsAi.intents.title")} description={t("settingsAi.intents.description")}>
      <TryPhrase />
      <h3 className="mt-6 mb-2 text-sm font-semibold">{t("settingsAi.intents.new")}</h3>
      <IntentForm />
      <h3 className="mt-6 mb-2 text-sm font-semibold">{t("settingsAi.intents.all")}</h3>
      {list.isLoading ? (
        <SkeletonRows />
      ) : (
        <ul className="divide-line flex flex-col divide-y" data-testid="intent-list">
          {(list.data?.data ?? []).map((it) => (
            <li key={it.id} className="py-3" data-testid="intent-row" data-intent-name={it.name}>
              {editing === it.id ? (
                <IntentForm intent={it} onDone={() => setEditing(null)} />
              ) : (
                <div className="flex items-start gap-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-mono text-sm font-medium">{it.name}</p>
                    {it.description && <p className="text-sm">{it.description}</p>}
                    <p className="text-muted text-sm">
                      {t("settingsAi.intents.examplesCount", { count: it.examples.length })}: {it.examples.slice(0, 3).join(" · ")}
                      {it.examples.length > 3 ? " …" : ""}
                    </p>
                  </div>
                  <Button onClick={() => setEditing(it.id)} aria-label={t("settingsAi.intents.edit", { name: it.name })}>
                    {t("workspaceSettings.common.edit")}
                  </Button>
                  <ConfirmDelete label={t("settingsAi.intents.delete", { name: it.name })} onConfirm={() => remove.mutate(it.id)} />
                </div>
              )}
            </li>
          ))}
          {list.data?.data.length === 0 && <li className="text-muted text-sm">{t("settingsAi.intents.none")}</li>}
        </ul>
      )}
    </Section>
  );
}

function IntentForm({ intent, onDone }: { intent?: AiIntent; onDone?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(intent?.name ?? "");
  const [description, setDescription] = useState(intent?.description ?? "");
  const [examples, setExamples] = useState((intent?.examples ?? []).join("\n"));
  const save = useMutation({
    mutationFn: () => {
      const body = { name, description, examples: lines(examples) };
      return intent ? api.patch<AiIntent>(`/api/v1/intents/${intent.id}`, body) : api.post<AiIntent>("/api/v1/intents", body);
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.intents });
      if (!intent) {
        setName("");
        setDescription("");
        setExamples("");
      }
      onDone?.();
    },
  });
  const err = save.error;
  return (
    <form
      className="flex max-w-xl flex-col gap-3"
      aria-label={intent ? t("settingsAi.intents.edit", { name: intent.name }) : t("settingsAi.intents.new")}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field label={t("settingsAi.intents.name")} hint={t("settingsAi.intents.nameHint")} error={fieldError(err, "name")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} value={name} onChange={(e) => setName(e.target.value)} data-testid="intent-name" />}
      </Field>
      <Field label={t("settingsAi.intents.descriptionLabel")} error={fieldError(err, "description")}>
        {(id, d) => <TextInput id={id} aria-describedby={d} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <Field label={t("settingsAi.intents.examples")} hint={t("settingsAi.intents.examplesHint")} error={fieldError(err, "examples")}>
        {(id, d) => (
          <textarea
            id={id}
            aria-describedby={d}
            aria-invalid={!!fieldError(err, "examples")}
            rows={4}
            className="border-line bg-bg rounded border px-2 py-1.5 text-sm"
            value={examples}
            onChange={(e) => setExamples(e.target.value)}
            data-testid="intent-examples"
          />
        )}
      </Field>
      {generalError(err, ["name", "description", "examples"]) && (
        <p role="alert" className="text-danger text-sm">
          {generalError(err, ["name", "description", "examples"])}
        </p>
      )}
      <div className="flex gap-2">
        <Button intent="primary" type="submit" disabled={save.isPending} data-testid="intent-save">
          {intent ? t("workspaceSettings.common.save") : t("settingsAi.intents.create")}
        </Button>
        {onDone && <Button onClick={onDone}>{t("workspaceSettings.common.cancel")}</Button>}
      </div>
    </form>
  );
}

function TryPhrase() {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const classify = useMutation({ mutationFn: (phrase: string) => api.post<AiClassification>("/api/v1/intents/classify", { text: phrase }) });
  const r = classify.data;
  return (
    <form
      className="bg-panel flex max-w-xl flex-col gap-2 rounded border border-line p-3"
      aria-label={t("settingsAi.try.title")}
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) classify.mutate(text);
      }}
    >
      <Field label={t("settingsAi.try.title")} hint={t("settingsAi.try.hint")} error={fieldError(classify.error, "text")}>
        {(id, d) => (
          <div className="flex gap-2">
            <TextInput id={id} aria-describedby={d} className="flex-1" value={text} onChange={(e) => setText(e.target.value)} data-testid="intent-try" />
            <Button type="submit" disabled={classify.isPending || !text.trim()} data-testid="intent-try-submit">
              {t("settingsAi.try.submit")}
            </Button>
          </div>
        )}
      </Field>
      {r && (
        <div role="status" className="text-sm" data-testid="intent-try-result" data-intent={r.intent}>
          <p>
            <span className="font-mono font-medium">{r.intent === "none" ? t("settingsAi.try.none") : r.intent}</span>{" "}
            <span className="text-muted">
              {t("settingsAi.try.confidence", { pct: Math.round(r.confidence * 100) })}
              {" · "}
              {r.method === "llm" ? t("settingsAi.try.byModel") : t("settingsAi.try.byClassifier")}
              {r.language ? " · " + t("settingsAi.try.language", { lang: r.language }) : ""}
            </span>
          </p>
          {r.scores.length > 1 && (
            <ul className="text-muted mt-1 flex flex-wrap gap-x-3">
              {r.scores.slice(0, 3).map((s) => (
                <li key={s.intent}>
                  {s.intent} {Math.round(s.confidence * 100)}%
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
