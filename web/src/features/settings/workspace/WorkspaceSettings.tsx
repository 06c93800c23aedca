// WorkspaceSettings: the workspace's name, time zone, business hours,
// auto-close and closing notes, its closing categories, the satisfaction
// survey (SurveyForm) and the routing settings, for owners and managers
// (what each role may do is the owners' alone, in Users). Every form is
// checked by the server, whose errors show under the field they name.
import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../../lib/api";
import { qk } from "../../../lib/queryKeys";
import { useMe, useSession } from "../../../lib/session";
import { useCategories } from "../../../lib/directory";
import { Button, Field, Section, Select, TextInput } from "../../../lib/ui/form";
import { SecurityForm } from "./SecurityForm";
import { SurveyForm } from "./SurveyForm";
import { useToast } from "../../../lib/ui/toast";
import type { components } from "../../../lib/api-types";
import type { Category, Workspace } from "../../../lib/types";
import { ConfirmDelete, fieldError, generalError, InlineName, SaveRow, SkeletonRows, useListMutation } from "./common";
import { WeekHours, weekHoursBody, weekHoursFields, weekdays, type WeekDays } from "./WeekHours";

type RoutingSettings = components["schemas"]["RoutingSettings"];

export default function WorkspaceSettings() {
  const { t } = useTranslation();
  return (
    <div data-testid="settings-workspace">
      <h1 className="mb-4 text-xl font-semibold">{t("workspaceSettings.title")}</h1>
      <GeneralForm />
      <BusinessHoursForm />
      <Categories />
      <SurveyForm />
      <RoutingForm />
      <SecurityForm />
    </div>
  );
}

function timezones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
  const all = new Set(["UTC", ...list]);
  all.add(current);
  return [...all];
}

/** useSaveWorkspace PATCHes the workspace and refreshes who-am-I, which
 * holds it. Who-am-I is the session's state, not a query: it is read again
 * through the session, or the app would keep showing dates in the old time
 * zone (and the old name, closing notes, hours) until a reload. */
function useSaveWorkspace() {
  const { refresh } = useSession();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.patch<Workspace>("/api/v1/workspace", body),
    onSuccess: () => refresh().catch(() => {}),
  });
}

function GeneralForm() {
  const { t } = useTranslation();
  const me = useMe();
  const ws = me.workspace;
  const [name, setName] = useState(ws.name);
  const [timezone, setTimezone] = useState(ws.timezone);
  const [notes, setNotes] = useState<string>(ws.closing_notes_mode);
  const [autoClose, setAutoClose] = useState(String(ws.auto_close_minutes));
  const [contactOnly, setContactOnly] = useState(ws.auto_close_contact_only);
  const [mode, setMode] = useState<string>(ws.auto_close_mode ?? "inactivity");
  // The mode and the contact-only choice mean nothing while auto-close is
  // off (empty or 0): shown once a delay is typed. Contact only is
  // inactivity's alone; it is still sent, so going back restores it.
  const autoCloseOn = !/^0*$/.test(autoClose.trim());
  const zones = useMemo(() => timezones(ws.timezone), [ws.timezone]);
  const save = useSaveWorkspace();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate(
      {
        name,
        timezone,
        closing_notes_mode: notes,
        auto_close_minutes: autoClose.trim() === "" ? 0 : /^-?\d+$/.test(autoClose.trim()) ? Number(autoClose) : autoClose,
        auto_close_contact_only: contactOnly,
        auto_close_mode: mode,
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  const err = save.error;
  const known = ["name", "timezone", "closing_notes_mode", "auto_close_minutes", "auto_close_contact_only", "auto_close_mode"];
  return (
    <Section title={t("workspaceSettings.general.title")}>
      <form onSubmit={submit} className="grid grid-cols-2 gap-4" aria-label={t("workspaceSettings.general.title")}>
        <fieldset className="contents">
          <Field label={t("workspaceSettings.general.name")} error={fieldError(err, "name")}>
            {(id, d) => (
              <TextInput id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "name")} value={name} onChange={(e) => setName(e.target.value)} data-testid="workspace-name" />
            )}
          </Field>
          <Field label={t("workspaceSettings.general.timezone")} error={fieldError(err, "timezone")}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "timezone")} value={timezone} onChange={(e) => setTimezone(e.target.value)} data-testid="workspace-timezone">
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label={t("workspaceSettings.general.closingNotes")} error={fieldError(err, "closing_notes_mode")}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={notes} onChange={(e) => setNotes(e.target.value)}>
                <option value="optional">{t("workspaceSettings.general.notesOptional")}</option>
                <option value="category_required">{t("workspaceSettings.general.notesCategory")}</option>
                <option value="both_required">{t("workspaceSettings.general.notesBoth")}</option>
              </Select>
            )}
          </Field>
          <Field label={t("workspaceSettings.general.autoClose")} hint={t("workspaceSettings.general.autoCloseHint")} error={fieldError(err, "auto_close_minutes")}>
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                aria-invalid={!!fieldError(err, "auto_close_minutes")}
                inputMode="numeric"
                value={autoClose}
                onChange={(e) => setAutoClose(e.target.value)}
                data-testid="workspace-auto-close"
              />
            )}
          </Field>
          {autoCloseOn && (
            <Field
              label={t("workspaceSettings.general.autoCloseMode")}
              hint={t(mode === "awaiting_contact" ? "workspaceSettings.general.modeAwaitingContactHint" : "workspaceSettings.general.modeInactivityHint")}
              error={fieldError(err, "auto_close_mode")}
            >
              {(id, d) => (
                <Select id={id} aria-describedby={d} aria-invalid={!!fieldError(err, "auto_close_mode")} value={mode} onChange={(e) => setMode(e.target.value)} data-testid="workspace-auto-close-mode">
                  <option value="inactivity">{t("workspaceSettings.general.modeInactivity")}</option>
                  <option value="awaiting_contact">{t("workspaceSettings.general.modeAwaitingContact")}</option>
                </Select>
              )}
            </Field>
          )}
          {autoCloseOn && mode === "inactivity" && (
            <label className="col-span-2 flex items-center gap-2 text-sm">
              <input type="checkbox" checked={contactOnly} onChange={(e) => setContactOnly(e.target.checked)} data-testid="workspace-contact-only" />
              {t("workspaceSettings.general.contactOnly")}
            </label>
          )}
          {generalError(err, known) && (
            <p role="alert" className="text-danger col-span-2 text-sm">
              {generalError(err, known)}
            </p>
          )}
          <SaveRow pending={save.isPending} saved={saved} testid="workspace" className="col-span-2" />
        </fieldset>
      </form>
    </Section>
  );
}

function BusinessHoursForm() {
  const { t } = useTranslation();
  const me = useMe();
  const initial = me.workspace.business_hours ?? {};
  const [days, setDays] = useState<WeekDays>(() =>
    Object.fromEntries(weekdays.map((d) => [d, initial[d]?.[0] ?? null])),
  );
  const save = useSaveWorkspace();
  const [saved, setSaved] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate({ business_hours: weekHoursBody(days, initial) }, { onSuccess: () => setSaved(true) });
  };
  const err = save.error;
  return (
    <Section title={t("workspaceSettings.hours.title")} description={t("workspaceSettings.hours.description", { timezone: me.workspace.timezone })}>
      <form onSubmit={submit} aria-label={t("workspaceSettings.hours.title")}>
        <fieldset className="flex flex-col gap-2">
          <WeekHours days={days} onChange={setDays} error={err} />
          {generalError(err, weekHoursFields) && (
            <p role="alert" className="text-danger text-sm">
              {err instanceof Error ? err.message : ""}
            </p>
          )}
          <SaveRow pending={save.isPending} saved={saved} className="mt-2" />
        </fieldset>
      </form>
    </Section>
  );
}

function Categories() {
  const { t } = useTranslation();
  const list = useCategories();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: (n: string) => api.post<Category>("/api/v1/closing-categories", { name: n }),
    onSuccess: () => {
      setName("");
      qc.invalidateQueries({ queryKey: qk.categories });
    },
  });
  const rename = useListMutation<Category, { id: number; name: string }>(
    qk.categories,
    (v) => api.patch(`/api/v1/closing-categories/${v.id}`, { name: v.name }),
    (items, v) => items.map((c) => (c.id === v.id ? { ...c, name: v.name } : c)),
  );
  const remove = useListMutation<Category, number>(
    qk.categories,
    (id) => api.del(`/api/v1/closing-categories/${id}`),
    (items, id) => items.filter((c) => c.id !== id),
  );
  return (
    <Section title={t("workspaceSettings.categories.title")} description={t("workspaceSettings.categories.description")}>
      {list.isLoading ? (
        <SkeletonRows />
      ) : (
        <ul className="mb-3 flex flex-col gap-2">
          {(list.data?.data ?? []).map((c) => (
            <li key={c.id} className="flex items-center gap-2">
              <InlineName value={c.name} label={t("workspaceSettings.categories.rename", { name: c.name })} onSave={(n) => rename.mutate({ id: c.id, name: n })} />
              <ConfirmDelete label={t("workspaceSettings.categories.delete", { name: c.name })} onConfirm={() => remove.mutate(c.id)} />
            </li>
          ))}
          {list.data?.data.length === 0 && <li className="text-muted text-sm">{t("workspaceSettings.categories.none")}</li>}
        </ul>
      )}
      <form
        className="flex items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name);
        }}
      >
        <div className="flex-1">
          <Field label={t("workspaceSettings.categories.new")} error={fieldError(create.error, "name") ?? generalError(create.error, ["name"])}>
            {(id, d) => <TextInput id={id} aria-describedby={d} className="w-full" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
        </div>
        <Button intent="primary" type="submit" disabled={create.isPending}>
          {t("workspaceSettings.common.add")}
        </Button>
      </form>
    </Section>
  );
}

function RoutingForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ queryKey: qk.routingSettings, queryFn: () => api.get<RoutingSettings>("/api/v1/routing/settings") });
  if (q.isLoading || !q.data) return <Section title={t("workspaceSettings.routing.title")}>{<SkeletonRows n={2} />}</Section>;
  return (
    <RoutingFields
      initial={q.data}
      onSaved={(s) => {
        qc.setQueryData(qk.routingSettings, s);
        toast(t("workspaceSettings.common.saved"), "info");
      }}
    />
  );
}

function RoutingFields({ initial, onSaved }: { initial: RoutingSettings; onSaved: (s: RoutingSettings) => void }) {
  const { t } = useTranslation();
  const [timeout, setTimeoutMin] = useState(String(initial.inactivity_timeout_minutes));
  const [grace, setGrace] = useState(String(initial.reassign_grace_minutes));
  const [capacity, setCapacity] = useState(String(initial.default_capacity));
  const save = useMutation({
    mutationFn: (body: Record<string, number | string>) => api.patch<RoutingSettings>("/api/v1/routing/settings", body),
    onSuccess: onSaved,
  });
  const err = save.error;
  // A number, or the text as typed: the server says what is wrong with it.
  const num = (s: string): number | string => (/^-?\d+$/.test(s.trim()) ? Number(s) : s);
  const known = ["inactivity_timeout_minutes", "reassign_grace_minutes", "default_capacity"];
  return (
    <Section title={t("workspaceSettings.routing.title")} description={t("workspaceSettings.routing.description")}>
      <form
        className="grid grid-cols-3 gap-4"
        aria-label={t("workspaceSettings.routing.title")}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ inactivity_timeout_minutes: num(timeout), reassign_grace_minutes: num(grace), default_capacity: num(capacity) });
        }}
      >
        <Field label={t("workspaceSettings.routing.timeout")} error={fieldError(err, "inactivity_timeout_minutes")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} inputMode="numeric" value={timeout} onChange={(e) => setTimeoutMin(e.target.value)} />}
        </Field>
        <Field label={t("workspaceSettings.routing.grace")} error={fieldError(err, "reassign_grace_minutes")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} inputMode="numeric" value={grace} onChange={(e) => setGrace(e.target.value)} />}
        </Field>
        <Field label={t("workspaceSettings.routing.capacity")} error={fieldError(err, "default_capacity")}>
          {(id, d) => <TextInput id={id} aria-describedby={d} inputMode="numeric" value={capacity} onChange={(e) => setCapacity(e.target.value)} />}
        </Field>
        {generalError(err, known) && (
          <p role="alert" className="text-danger col-span-3 text-sm">
            {generalError(err, known)}
          </p>
        )}
        <div className="col-span-3">
          <Button intent="primary" type="submit" disabled={save.isPending}>
            {t("workspaceSettings.common.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
