// Waiting times: short, relative, and ticking on the clock each minute
// (one timer for the whole list, no refetch).
import { useEffect, useState } from "react";

export type Span = { unit: "now" | "minutes" | "hours" | "days" | "weeks"; count: number };

/** span is how long ago `from` was, in the largest whole unit. */
export function span(from: Date | string, now: number): Span {
  const ms = now - new Date(from).getTime();
  const min = Math.floor(ms / 60_000);
  if (min < 1) return { unit: "now", count: 0 };
  if (min < 60) return { unit: "minutes", count: min };
  const h = Math.floor(min / 60);
  if (h < 24) return { unit: "hours", count: h };
  const d = Math.floor(h / 24);
  if (d < 14) return { unit: "days", count: d };
  return { unit: "weeks", count: Math.floor(d / 7) };
}

/** useNow is the time, updated at each new minute. */
export function useNow(every = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const t = Date.now();
      setNow(t);
      timer = setTimeout(tick, every - (t % every) + 50);
    };
    timer = setTimeout(tick, every - (Date.now() % every) + 50);
    return () => clearTimeout(timer);
  }, [every]);
  return now;
}

/** fullDate is a date and time in the workspace's timezone, for a tooltip. */
export function fullDate(d: string, lang: string, timeZone?: string): string {
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(d));
  } catch {
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(d));
  }
}
