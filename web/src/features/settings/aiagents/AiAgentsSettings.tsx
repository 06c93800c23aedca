// AiAgentsSettings: the workspace's AI agents — members conversations can
// be assigned to — with their instructions, tone, the knowledge they may
// use, the actions they may take and their hand-over rules (docs/ai.md).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useTeams, useUsers } from "../../../lib/directory";
import { Button, Field, Section, Select, TextInput } from "../../../lib/ui/form";
import type { AiAgent, KnowledgeSource } from "../../../lib/types";
import { ConfirmDelete, fieldError, generalError, SkeletonRows, useListMutation } from "../workspace/common";

const keys = { agents: ["ai", "agents"] as const, sources: ["knowledge", "sources"] as const };

const actions = ["reply", "ask_field", "tags", "lifecycle", "assign", "close"] as const;

export default function AiAgentsSettings() {
  const { t } = useTranslation();
  const agents = useQuery({ queryKey: keys.agents, queryFn: () => api.get<Page<AiAgent>>("/api/v1/ai/agents") });
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const remove = useListMutation<AiAgent, number>(keys.agents, (id) => api.del(`/api/v1/ai/agents/${id}`), (items, id) => items.filter((x) => x.id !== id));
  const list = agents.data?.data ?? [];
  return (
    <div data-testid="settings-ai-agents">
      <h1 className="mb-1 text-xl font-semibold">{t("settingsAiAgents.title")}</h1>
      <p className="text-muted mb-4 max-w-2xl text-sm">{t("settingsAiAgents.intro")}</p>
      <Section
        title={t("settingsAiAgents.all")}
        actions={
          editing !== "new" && (
            <Button intent="primary" onClick={() => setEditing("new")} data-testid="ai-agent-new">
              {t("settingsAiAgents.new")}
            </Button>
          )
        }
      >
        {agents.isLoading ? (
          <SkeletonRows />
        ) : (
          <ul className="divide-line flex flex-col divide-y">
            {editing === "new" && (
              <li className="py-3">
                <AgentForm onDone={() => setEditing(null)} />
              </li>
            )}
            {list.map((a) => (
              <li key={a.id} className="py-3" data-testid="ai-agent-row" data-agent-name={a.name}>
                {editing === a.id ? (
                  <AgentForm agent={a} onDone={() => setEditing(null)} />
                ) : (
                  <div className="flex items-start gap-3">
                    <div className="min-w-0 flex-1">
                      <p className="text-sm font-medium">
                        {a.name}{" "}
                        <span className={"ml-1 rounded px-1.5 py-0.5 text-xs " + (a.enabled ? "bg-selected" : "bg-hover text-muted")}>
                          {a.enabled ? t("settingsAiAgents.enabled") : t("settingsAiAgents.disabled")}
                        </span>
                      </p>
                      <p className="text-muted text-xs" data-testid="ai-agent-id">
                        {t("settingsAiAgents.memberId", { id: a.id })}
                      </p>
                      <p className="text-muted text-xs">
                        {t("settingsAiAgents.summary", {
                          actions: a.actions.map((x) => t(`settingsAiAgents.actions.${x}`)).join(", "),
                          turns: a.max_turns || "∞",
                          confidence: a.min_confidence,
                        })}
                      </p>
                      {a.instructions && <p className="mt-1 line-clamp-2 text-sm">{a.instructions}</p>}
                    </div>
                    <Button onClick={() => setEditing(a.id)} data-testid="ai-agent-edit">
                      {t("settingsAiAgents.edit")}
                    </Button>
                    <ConfirmDelete label={t("settingsAiAgents.delete", { name: a.name })} onConfirm={() => remove.mutate(a.id)} />
                  </div>
                )}
              </li>
            ))}
            {list.length === 0 && editing !== "new" && <li className="text-muted py-2 text-sm">{t("settingsAiAgents.none")}</li>}
          </ul>
        )}
      </Section>
    </div>
  );
}

interface FormState {
  name: string;
  instructions: string;
  tone: string;
  allSources: boolean;
  sources: number[];
  actions: string[];
  max_turns: string;
  min_confidence: string;
  topics: string;
  handover_team_id: string;
  handover_user_id: string;
  enabled: boolean;
}

function initial(a?: AiAgent): FormState {
  return {
    name: a?.name ?? "",
    instructions: a?.instructions ?? "",
    tone: a?.tone ?? "",
    allSources: !a || a.source_ids == null,
    sources: a?.source_ids ?? [],
    actions: a?.actions ?? ["reply"],
    max_turns: String(a?.max_turns ?? 5),
    min_confidence: String(a?.min_confidence ?? 0.5),
    topics: (a?.topics ?? []).join(", "),
    handover_team_id: String(a?.handover_team_id ?? 0),
    handover_user_id: String(a?.handover_user_id ?? 0),
    enabled: a?.enabled ?? true,
  };
}

function AgentForm({ agent, onDone }: { agent?: AiAgent; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const teams = useTeams();
  const users = useUsers();
  const sources = useQuery({ queryKey: keys.sources, queryFn: () => api.get<Page<KnowledgeSource>>("/api/v1/knowledge/sources") });
  const [f, setF] = useState<FormState>(() => initial(agent));
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      agent ? api.patch<AiAgent>(`/api/v1/ai/agents/${agent.id}`, body) : api.post<AiAgent>("/api/v1/ai/agents", body),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.agents });
      qc.invalidateQueries({ queryKey: qk.users });
      onDone();
    },
  });
  const err = save.error;
  const known = ["name", "instructions", "tone", "source_ids", "actions", "max_turns", "min_confidence", "topics", "handover_team_id", "handover_user_id"];
  const text = (k: keyof FormState) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  const toggle = (list: "actions" | "sources", v: string | number) => {
    const cur = f[list] as (string | number)[];
    setF({ ...f, [list]: cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v] });
  };
  const people = (users.data?.data ?? []).filter((u) => u.kind !== "ai_agent" && !u.deactivated_at);
  const sourceOptions: { id: number; name: string }[] = [{ id: 0, name: t("settingsAiAgents.form.inAppArticles") }, ...(sources.data?.data ?? []).map((s) => ({ id: s.id, name: s.name }))];
  const area = "border-line bg-bg rounded border px-2 py-1.5 text-sm aria-[invalid=true]:border-danger";
  return (
    <form
      className="flex flex-col gap-3"
      aria-label={agent ? t("settingsAiAgents.editTitle", { name: agent.name }) : t("settingsAiAgents.new")}
      data-testid="ai-agent-form"
      onSubmit={(e) => {
        e.preventDefault();
        const body: Record<string, unknown> = {
          name: f.name,
          instructions: f.instructions,
          tone: f.tone,
          actions: f.actions,
          max_turns: Number(f.max_turns) || 0,
          min_confidence: Number(f.min_confidence),
          topics: f.topics.split(",").map((x) => x.trim()).filter(Boolean),
          handover_team_id: Number(f.handover_team_id),
          handover_user_id: Number(f.handover_user_id),
          enabled: f.enabled,
        };
        if (f.allSources) body.all_sources = true;
        else body.source_ids = f.sources;
        save.mutate(body);
      }}
    >
      <div className="grid grid-cols-2 gap-3">
        <Field label={t("settingsAiAgents.form.name")} error={fieldError(err, "name")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} value={f.name} onChange={text("name")} data-testid="ai-agent-name" />}
        </Field>
        <Field label={t("settingsAiAgents.form.tone")} hint={t("settingsAiAgents.form.toneHint")} error={fieldError(err, "tone")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} value={f.tone} onChange={text("tone")} data-testid="ai-agent-tone" />}
        </Field>
      </div>
      <Field label={t("settingsAiAgents.form.instructions")} hint={t("settingsAiAgents.form.instructionsHint")} error={fieldError(err, "instructions")}>
        {(id, d) => <textarea id={id} aria-describedby={d} rows={3} className={area} value={f.instructions} onChange={text("instructions")} data-testid="ai-agent-instructions" />}
      </Field>
      <fieldset className="flex flex-col gap-1">
        <legend className="mb-1 text-sm font-medium">{t("settingsAiAgents.form.knowledge")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={f.allSources} onChange={(e) => setF({ ...f, allSources: e.target.checked })} data-testid="ai-agent-all-sources" />
          {t("settingsAiAgents.form.allSources")}
        </label>
        {!f.allSources && (
          <div className="ml-6 grid grid-cols-2 gap-1">
            {sourceOptions.map((s) => (
              <label key={s.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={f.sources.includes(s.id)} onChange={() => toggle("sources", s.id)} />
                {s.name}
              </label>
            ))}
          </div>
        )}
        {fieldError(err, "source_ids") && <p role="alert" className="text-danger text-xs">{fieldError(err, "source_ids")}</p>}
      </fieldset>
      <fieldset className="flex flex-col gap-1">
        <legend className="mb-1 text-sm font-medium">{t("settingsAiAgents.form.actions")}</legend>
        <div className="grid grid-cols-2 gap-1">
          {actions.map((a) => (
            <label key={a} className="flex items-start gap-2 text-sm">
              <input type="checkbox" className="mt-0.5" checked={f.actions.includes(a)} onChange={() => toggle("actions", a)} data-testid={`ai-agent-action-${a}`} />
              <span>
                {t(`settingsAiAgents.actions.${a}`)}
                <span className="text-muted block text-xs">{t(`settingsAiAgents.actionHints.${a}`)}</span>
              </span>
            </label>
          ))}
        </div>
        <p className="text-muted text-xs">{t("settingsAiAgents.form.handoverAlways")}</p>
      </fieldset>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">{t("settingsAiAgents.form.handover")}</legend>
        <div className="grid grid-cols-2 gap-3">
          <Field label={t("settingsAiAgents.form.team")} error={fieldError(err, "handover_team_id")}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={f.handover_team_id} onChange={text("handover_team_id")} data-testid="ai-agent-handover-team">
                <option value="0">{t("settingsAiAgents.form.noTeam")}</option>
                {(teams.data?.data ?? []).map((tm) => (
                  <option key={tm.id} value={tm.id}>
                    {tm.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label={t("settingsAiAgents.form.person")} hint={t("settingsAiAgents.form.personHint")} error={fieldError(err, "handover_user_id")}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={f.handover_user_id} onChange={text("handover_user_id")}>
                <option value="0">{t("settingsAiAgents.form.noPerson")}</option>
                {people.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label={t("settingsAiAgents.form.maxTurns")} hint={t("settingsAiAgents.form.maxTurnsHint")} error={fieldError(err, "max_turns")}>
            {(id, d) => <TextInput id={id} type="number" min={0} max={100} aria-describedby={d} value={f.max_turns} onChange={text("max_turns")} />}
          </Field>
          <Field label={t("settingsAiAgents.form.minConfidence")} hint={t("settingsAiAgents.form.minConfidenceHint")} error={fieldError(err, "min_confidence")}>
            {(id, d) => <TextInput id={id} type="number" min={0} max={1} step={0.05} aria-describedby={d} value={f.min_confidence} onChange={text("min_confidence")} />}
          </Field>
        </div>
        <Field label={t("settingsAiAgents.form.topics")} hint={t("settingsAiAgents.form.topicsHint")} error={fieldError(err, "topics")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} value={f.topics} onChange={text("topics")} placeholder={t("settingsAiAgents.form.topicsPlaceholder")} />}
        </Field>
        <p className="text-muted text-xs">{t("settingsAiAgents.form.rulesAlways")}</p>
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.target.checked })} />
        {t("settingsAiAgents.form.enabled")}
      </label>
      {generalError(err, known) && (
        <p role="alert" className="text-danger text-sm">
          {generalError(err, known)}
        </p>
      )}
      <div className="flex gap-2">
        <Button intent="primary" type="submit" disabled={save.isPending} data-testid="ai-agent-save">
          {agent ? t("settingsAiAgents.form.save") : t("settingsAiAgents.form.create")}
        </Button>
        <Button onClick={onDone}>{t("workspaceSettings.common.cancel")}</Button>
      </div>
    </form>
  );
}
