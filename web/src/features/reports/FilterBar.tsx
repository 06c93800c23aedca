// FilterBar: the reports' filters — period preset or dates, team, agent,
// channel, sources, category, business hours, compare — kept in the URL by
// the page.
import { useTranslation } from "react-i18next";
import { useCategories, useChannels, useTeams, useUsers } from "../../lib/directory";
import { closedSources, openedSources, presets, type Filters, type Preset } from "./filters";

const select = "border-line bg-bg max-w-48 rounded border px-2 py-1 text-sm";

/** Choice is one filter picked from a list, or all ("" in the select, undefined in the filters). */
function Choice({ testid, label, all, value, options, onChange }: { testid: string; label: string; all: string; value?: string; options: [string, string][]; onChange(v: string | undefined): void }) {
  return (
    <label className="flex flex-col gap-0.5 text-xs">
      <span className="text-muted">{label}</span>
      <select data-testid={testid} className={select} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{all}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function FilterBar({ f, set }: { f: Filters; set: (change: Partial<Filters>) => void }) {
  const { t } = useTranslation();
  const users = useUsers();
  const teams = useTeams();
  const channels = useChannels();
  const categories = useCategories();
  return (
    <form aria-label={t("reports.filters")} className="flex flex-wrap items-end gap-2" onSubmit={(e) => e.preventDefault()}>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.period")}</span>
        <select data-testid="filter-preset" className={select} value={f.preset ?? "custom"} onChange={(e) => (e.target.value === "custom" ? set({ preset: undefined }) : set({ preset: e.target.value as Preset }))}>
          {presets.map((p) => (
            <option key={p} value={p}>
              {t(`reports.preset.${p}`)}
            </option>
          ))}
          <option value="custom">{t("reports.preset.custom")}</option>
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.from")}</span>
        <input type="date" data-testid="filter-from" className={select} value={f.from} max={f.to} onChange={(e) => e.target.value && set({ preset: undefined, from: e.target.value })} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.to")}</span>
        <input type="date" data-testid="filter-to" className={select} value={f.to} min={f.from} onChange={(e) => e.target.value && set({ preset: undefined, to: e.target.value })} />
      </label>
      <Choice testid="filter-team" label={t("reports.team")} all={t("reports.allTeams")} value={f.team_id} onChange={(v) => set({ team_id: v })}
        options={(teams.data?.data ?? []).map((x) => [String(x.id), x.name])} />
      <Choice testid="filter-user" label={t("reports.user")} all={t("reports.allUsers")} value={f.user_id} onChange={(v) => set({ user_id: v })}
        options={(users.data?.data ?? []).map((x) => [String(x.id), x.name])} />
      <Choice testid="filter-channel" label={t("reports.channel")} all={t("reports.allChannels")} value={f.channel_id} onChange={(v) => set({ channel_id: v })}
        options={(channels.data?.data ?? []).map((x) => [String(x.id), x.name])} />
      <Choice testid="filter-opened-source" label={t("reports.openedSource")} all={t("reports.any")} value={f.opened_source} onChange={(v) => set({ opened_source: v })}
        options={openedSources.map((x) => [x, t(`reports.source.${x}`, { defaultValue: x })])} />
      <Choice testid="filter-closed-source" label={t("reports.closedSource")} all={t("reports.any")} value={f.closed_source} onChange={(v) => set({ closed_source: v })}
        options={closedSources.map((x) => [x, t(`reports.source.${x}`, { defaultValue: x })])} />
      <Choice testid="filter-category" label={t("reports.category")} all={t("reports.any")} value={f.category} onChange={(v) => set({ category: v })}
        options={(categories.data?.data ?? []).map((x) => [x.name, x.name])} />
      <label className="flex items-center gap-1.5 self-center pt-4 text-sm">
        <input type="checkbox" data-testid="filter-business" checked={f.business} onChange={(e) => set({ business: e.target.checked })} />
        {t("reports.businessHours")}
      </label>
      <label className="flex items-center gap-1.5 self-center pt-4 text-sm">
        <input type="checkbox" data-testid="filter-compare" checked={f.compare} onChange={(e) => set({ compare: e.target.checked })} />
        {t("reports.compare")}
      </label>
    </form>
  );
}
