// WeekHours: the weekly opening hours editor shared by the workspace's
// business hours and a team's own calendar — one interval a day, ticked
// open or closed, midnight as a closing time meaning the end of the day
// (24:00). Further intervals of a day (set through the API) are kept as
// they are when saving (weekHoursBody).
import { useTranslation } from "react-i18next";
import type { components } from "../../../lib/api-types";
import { closingFromInput, closingInputValue } from "../../../lib/closingTime";
import { fieldError } from "./common";

export type Interval = components["schemas"]["WorkspaceInterval"];
export type WeekDays = Record<string, Interval | null>;
export const weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

// weekHoursFields are the error fields WeekHours shows under its days.
export const weekHoursFields = weekdays.flatMap((d) => [`business_hours.${d}[0].open`, `business_hours.${d}[0].close`, `business_hours.${d}`]);

// weekHoursBody is the business_hours to save: each open day's first
// interval as edited, followed by the ones the editor does not show.
export function weekHoursBody(days: WeekDays, initial: Record<string, Interval[] | undefined>): Record<string, Interval[]> {
  const hours: Record<string, Interval[]> = {};
  for (const d of weekdays) {
    const iv = days[d];
    if (iv) hours[d] = [iv, ...(initial[d]?.slice(1) ?? [])];
  }
  return hours;
}

export function WeekHours({ days, onChange, error }: { days: WeekDays; onChange: (days: WeekDays) => void; error: unknown }) {
  const { t } = useTranslation();
  const day = (d: string) => t(`workspaceSettings.hours.days.${d}`);
  return (
    <>
      {weekdays.map((d) => {
        const iv = days[d];
        const e = fieldError(error, `business_hours.${d}[0].open`) ?? fieldError(error, `business_hours.${d}[0].close`) ?? fieldError(error, `business_hours.${d}`);
        return (
          <div key={d} className="flex flex-col gap-1">
            <div className="flex items-center gap-3 text-sm">
              <label className="flex w-36 items-center gap-2">
                <input type="checkbox" checked={!!iv} onChange={(ev) => onChange({ ...days, [d]: ev.target.checked ? { open: "09:00", close: "17:00" } : null })} />
                {day(d)}
              </label>
              {iv ? (
                <>
                  <input
                    type="time"
                    aria-label={t("workspaceSettings.hours.opens", { day: day(d) })}
                    className="border-line bg-bg rounded border px-2 py-1 text-sm"
                    value={iv.open}
                    onChange={(ev) => onChange({ ...days, [d]: { ...iv, open: ev.target.value } })}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    aria-label={t("workspaceSettings.hours.closes", { day: day(d) })}
                    className="border-line bg-bg rounded border px-2 py-1 text-sm"
                    value={closingInputValue(iv.close)}
                    onChange={(ev) => onChange({ ...days, [d]: { ...iv, close: closingFromInput(ev.target.value) } })}
                  />
                </>
              ) : (
                <span className="text-muted">{t("workspaceSettings.hours.closed")}</span>
              )}
            </div>
            {e && (
              <p role="alert" className="text-danger ml-36 text-xs">
                {e}
              </p>
            )}
          </div>
        );
      })}
      <p className="text-muted text-xs">{t("workspaceSettings.hours.midnight")}</p>
    </>
  );
}
