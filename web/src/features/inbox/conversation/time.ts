// Times in the workspace's timezone: the snooze presets ("tomorrow 9:00"
// means 9:00 where the team works) and how the timeline prints instants.

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  weekday: number; // 0 = Sunday
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** wallClock: the date and time an instant shows in tz. */
export function wallClock(at: Date, tz: string): Wall {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")) % 24,
    minute: Number(get("minute")),
    weekday: weekdays.indexOf(get("weekday")),
  };
}

/** zonedTime: the instant at which tz's clocks show that date and time. */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const want = Date.UTC(year, month - 1, day, hour, minute);
  let guess = want;
  // Two corrections settle any offset, DST included.
  for (let i = 0; i < 3; i++) {
    const w = wallClock(new Date(guess), tz);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    if (shown === want) break;
    guess += want - shown;
  }
  return new Date(guess);
}

function addDays(w: Wall, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export type SnoozePreset = "hour" | "tomorrow" | "nextWeek";

/** snoozeUntil: 1 h from now, tomorrow 9:00, or next Monday 9:00, in tz. */
export function snoozeUntil(preset: SnoozePreset, now: Date, tz: string): Date {
  if (preset === "hour") return new Date(now.getTime() + 3600_000);
  const w = wallClock(now, tz);
  const days = preset === "tomorrow" ? 1 : ((8 - w.weekday) % 7 || 7);
  const d = addDays(w, days);
  return zonedTime(d.year, d.month, d.day, 9, 0, tz);
}

/** parseLocalInput reads a datetime-local value ("2026-12-01T14:30") as tz's wall clock. */
export function parseLocalInput(value: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return zonedTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), tz);
}

export function validTimeZone(tz: string | undefined): string {
  if (!tz) return Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
}

export function formatTime(at: string | Date, lang: string, tz: string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  return new Intl.DateTimeFormat(lang, { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(d);
}

export function formatDateTime(at: string | Date, lang: string, tz: string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  return new Intl.DateTimeFormat(lang, { timeZone: tz, dateStyle: "medium", timeStyle: "short" }).format(d);
}

export function formatDay(at: string | Date, lang: string, tz: string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  return new Intl.DateTimeFormat(lang, { timeZone: tz, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(d);
}

/** dayKey: the calendar day of an instant in tz, to put a separator between days. */
export function dayKey(at: number, tz: string): string {
  const w = wallClock(new Date(at), tz);
  return `${w.year}-${w.month}-${w.day}`;
}

/** formatShort: "Tue 1 Dec, 09:00" — a day and time near now. */
export function formatShort(at: string | Date, lang: string, tz: string): string {
  const d = typeof at === "string" ? new Date(at) : at;
  return new Intl.DateTimeFormat(lang, { timeZone: tz, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(d);
}
