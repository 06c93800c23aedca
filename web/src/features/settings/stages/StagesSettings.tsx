// StagesSettings: the lifecycle stages in their order — create, rename,
// move up or down (the new order is saved in one request), mark as lost,
// make the default for new contacts, delete. Changes show at once and
// roll back with a toast if the server refuses them.
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ArrowDown, ArrowUp } from "lucide-react";
import { api } from "../../../lib/api";
import { useStages } from "../../../lib/directory";
import { qk } from "../../../lib/queryKeys";
import { Section } from "../../../lib/ui/form";
import type { components } from "../../../lib/api-types";
import { ConfirmDelete, InlineName, NewByName, SkeletonRows, useListMutation } from "../workspace/common";

type Stage = components["schemas"]["ContactStage"];

export default function StagesSettings() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const list = useStages();
  const stages = list.data?.data ?? [];
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => api.post<Stage>("/api/v1/lifecycle-stages", { name }),
    onSuccess: () => {
      setName("");
      qc.invalidateQueries({ queryKey: qk.stages });
    },
  });
  const update = useListMutation<Stage, { id: number; name?: string; is_lost?: boolean; is_default?: boolean }>(
    qk.stages,
    ({ id, ...body }) => api.patch(`/api/v1/lifecycle-stages/${id}`, body),
    (items, v) =>
      items.map((x) => {
        if (x.id === v.id) return { ...x, ...v };
        return v.is_default ? { ...x, is_default: false } : x;
      }),
  );
  const reorder = useListMutation<Stage, number[]>(
    qk.stages,
    (ids) => api.put("/api/v1/lifecycle-stages/order", { ids }),
    (items, ids) => ids.map((id, i) => ({ ...items.find((x) => x.id === id)!, position: i })),
  );
  const remove = useListMutation<Stage, number>(
    qk.stages,
    (id) => api.del(`/api/v1/lifecycle-stages/${id}`),
    (items, id) => items.filter((x) => x.id !== id),
  );
  const move = (i: number, by: number) => {
    const ids = stages.map((s) => s.id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    reorder.mutate(ids);
  };
  return (
    <div data-testid="settings-stages">
      <h1 className="mb-4 text-xl font-semibold">{t("stagesSettings.title")}</h1>
      <Section title={t("stagesSettings.order")} description={t("stagesSettings.description")}>
        {list.isLoading ? (
          <SkeletonRows n={5} />
        ) : (
          <ol className="flex flex-col gap-2" data-testid="stage-list">
            {stages.map((s, i) => (
              <li key={s.id} className="flex flex-wrap items-center gap-2" data-testid="stage-row" data-stage-name={s.name}>
                <span className="text-muted w-5 text-right text-sm tabular-nums">{i + 1}</span>
                <div className="flex">
                  <button
                    type="button"
                    className="hover:bg-hover rounded p-1 disabled:opacity-30"
                    aria-label={t("stagesSettings.up", { name: s.name })}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    <ArrowUp size={14} aria-hidden="true" />
                  </button>
                  <button
                    type="button"
                    className="hover:bg-hover rounded p-1 disabled:opacity-30"
                    aria-label={t("stagesSettings.down", { name: s.name })}
                    disabled={i === stages.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    <ArrowDown size={14} aria-hidden="true" />
                  </button>
                </div>
                <InlineName value={s.name} label={t("stagesSettings.rename", { name: s.name })} onSave={(n) => update.mutate({ id: s.id, name: n })} />
                <label className="flex items-center gap-1 text-sm">
                  <input type="checkbox" checked={s.is_lost} onChange={(e) => update.mutate({ id: s.id, is_lost: e.target.checked })} />
                  {t("stagesSettings.lost")}
                </label>
                <label className="flex items-center gap-1 text-sm">
                  <input type="radio" name="default-stage" checked={s.is_default} onChange={() => update.mutate({ id: s.id, is_default: true })} />
                  {t("stagesSettings.default")}
                </label>
                <ConfirmDelete label={t("stagesSettings.delete", { name: s.name })} onConfirm={() => remove.mutate(s.id)} />
              </li>
            ))}
          </ol>
        )}
      </Section>
      <NewByName
        title={t("stagesSettings.new")}
        label={t("stagesSettings.name")}
        submit={t("stagesSettings.create")}
        error={create.error}
        pending={create.isPending}
        name={name}
        onName={setName}
        onSubmit={() => create.mutate()}
      />
    </div>
  );
}
