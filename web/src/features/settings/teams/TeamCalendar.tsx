// TeamCalendar: a team's own business hours and holidays, which the
// reports' business-hours mode counts for the team's conversations
// instead of the workspace's. Unticked: the workspace's calendar.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { Button, Field, TextInput } from "../../../lib/ui/form";
import type { Team } from "../../../lib/types";
import { fieldError, generalError } from "../workspace/common";
import { WeekHours, weekHoursBody, weekHoursFields, weekdays, type Interval, type WeekDays } from "../workspace/WeekHours";


export function TeamCalendar({ team }: { team: Team }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const initial = team.business_hours ?? {};
  const [own, setOwn] = useState(Object.keys(initial).length > 0);
  const [days, setDays] = useState<WeekDays>(() =>
    Object.fromEntries(weekdays.map((d) => [d, initial[d]?.[0] ?? (Object.keys(initial).length === 0 && d !== "sat" && d !== "sun" ? { open: "09:00", close: "17:00" } : null)])),
  );
  const [holidays, setHolidays] = useState((team.holidays ?? []).join(", "));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: { business_hours: Record<string, Interval[]>; holidays: string[] }) => api.patch<Team>(`/api/v1/teams/${team.id}`, body),
    onSuccess: () => {
      setSaved(true);
      qc.invalidateQueries({ queryKey: qk.teams });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const hours = own ? weekHoursBody(days, initial) : {};
    const list = own ? holidays.split(/[\s,]+/).filter(Boolean) : [];
    save.mutate({ business_hours: hours, holidays: list });
  };
  const err = save.error;
  const known = [...weekHoursFields, "business_hours", "holidays"];
  const holidayError = fieldError(err, "holidays") ?? firstHolidayError(err);
  return (
    <form onSubmit={submit} aria-label={t("teamsSettings.calendar.title", { name: team.name })} className="mt-3 ml-2 flex flex-col gap-2" data-testid="team-calendar">
      <p className="text-muted text-xs">{t("teamsSettings.calendar.description")}</p>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={own} onChange={(ev) => setOwn(ev.target.checked)} />
        {t("teamsSettings.calendar.own")}
      </label>
      {own && (
        <fieldset className="flex flex-col gap-1">
          <legend className="sr-only">{t("teamsSettings.calendar.title", { name: team.name })}</legend>
          <WeekHours days={days} onChange={setDays} error={err} />
          <Field label={t("teamsSettings.calendar.holidays")} hint={t("teamsSettings.calendar.holidaysHint")} error={holidayError}>
            {(id, describedBy) => (
              <TextInput id={id} aria-describedby={describedBy} value={holidays} placeholder="2026-12-25, 2027-01-01" onChange={(ev) => setHolidays(ev.target.value)} />
            )}
          </Field>
        </fieldset>
      )}
      {generalError(err, known) && !holidayError && (
        <p role="alert" className="text-danger text-sm">
          {err instanceof Error ? err.message : ""}
        </p>
      )}
      <div className="flex items-center gap-3">
        <Button intent="primary" type="submit" disabled={save.isPending}>
          {t("teamsSettings.calendar.save")}
        </Button>
        {saved && !save.isPending && (
          <span role="status" className="text-success text-sm">
            {t("teamsSettings.calendar.saved")}
          </span>
        )}
      </div>
    </form>
  );
}

// firstHolidayError is the server's message about one holiday
// (holidays[0], holidays[1]…), shown under the holidays field.
function firstHolidayError(err: unknown): string | undefined {
  for (let i = 0; i < 366; i++) {
    const e = fieldError(err, `holidays[${i}]`);
    if (e) return e;
  }
  return undefined;
}
