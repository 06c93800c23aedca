// FilterBar: the reports' filters — period preset or dates, team, agent,
// channel, sources, category, business hours, compare — kept in the URL by
// the page.
import { useTranslation } from "react-i18next";
import { useCategories, useChannels, useTeams, useUsers } from "../../lib/directory";
import { closedSources, openedSources, presets, type Filters, type Preset } from "./filters";

export function FilterBar({ f, set }: { f: Filters; set: (f: Filters) => void }) {
  const { t } = useTranslation();
  const users = useUsers();
  const teams = useTeams();
  const channels = useChannels();
  const categories = useCategories();
  const select = "border-line bg-bg max-w-48 rounded border px-2 py-1 text-sm";
  return (
    <form aria-label={t("reports.filters")} className="flex flex-wrap items-end gap-2" onSubmit={(e) => e.preventDefault()}>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.period")}</span>
        <select data-testid="filter-preset" className={select} value={f.preset ?? "custom"} onChange={(e) => (e.target.value === "custom" ? set({ ...f, preset: undefined }) : set({ ...f, preset: e.target.value as Preset }))}>
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
        <input type="date" data-testid="filter-from" className={select} value={f.from} max={f.to} onChange={(e) => e.target.value && set({ ...f, preset: undefined, from: e.target.value })} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.to")}</span>
        <input type="date" data-testid="filter-to" className={select} value={f.to} min={f.from} onChange={(e) => e.target.value && set({ ...f, preset: undefined, to: e.target.value })} />
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.team")}</span>
        <select data-testid="filter-team" className={select} value={f.team_id ?? ""} onChange={(e) => set({ ...f, team_id: e.target.value || undefined })}>
          <option value="">{t("reports.allTeams")}</option>
          {(teams.data?.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.user")}</span>
        <select data-testid="filter-user" className={select} value={f.user_id ?? ""} onChange={(e) => set({ ...f, user_id: e.target.value || undefined })}>
          <option value="">{t("reports.allUsers")}</option>
          {(users.data?.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.channel")}</span>
        <select data-testid="filter-channel" className={select} value={f.channel_id ?? ""} onChange={(e) => set({ ...f, channel_id: e.target.value || undefined })}>
          <option value="">{t("reports.allChannels")}</option>
          {(channels.data?.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.openedSource")}</span>
        <select data-testid="filter-opened-source" className={select} value={f.opened_source ?? ""} onChange={(e) => set({ ...f, opened_source: e.target.value || undefined })}>
          <option value="">{t("reports.any")}</option>
          {openedSources.map((x) => (
            <option key={x} value={x}>
              {t(`reports.source.${x}`, { defaultValue: x })}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.closedSource")}</span>
        <select data-testid="filter-closed-source" className={select} value={f.closed_source ?? ""} onChange={(e) => set({ ...f, closed_source: e.target.value || undefined })}>
          <option value="">{t("reports.any")}</option>
          {closedSources.map((x) => (
            <option key={x} value={x}>
              {t(`reports.source.${x}`, { defaultValue: x })}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5 text-xs">
        <span className="text-muted">{t("reports.category")}</span>
        <select data-testid="filter-category" className={select} value={f.category ?? ""} onChange={(e) => set({ ...f, category: e.target.value || undefined })}>
          <option value="">{t("reports.any")}</option>
          {(categories.data?.data ?? []).map((x) => (
            <option key={x.id} value={x.name}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1.5 self-center pt-4 text-sm">
        <input type="checkbox" data-testid="filter-business" checked={f.business} onChange={(e) => set({ ...f, business: e.target.checked })} />
        {t("reports.businessHours")}
      </label>
      <label className="flex items-center gap-1.5 self-center pt-4 text-sm">
        <input type="checkbox" data-testid="filter-compare" checked={f.compare} onChange={(e) => set({ ...f, compare: e.target.checked })} />
        {t("reports.compare")}
      </label>
    </form>
  );
}
