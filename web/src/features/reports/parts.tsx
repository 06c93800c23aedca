// The reports' building blocks: a figure with its previous value, bars,
// the weekday × hour heatmap, a section with its CSV export link.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Download } from "lucide-react";
import { change } from "./filters";

/** formatDuration writes milliseconds as a short duration: 45 s, 3 min 20 s, 1 h 5 min, 2 d 3 h. */
export function formatDuration(ms: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (!ms || ms < 0) return t("reports.unit.s", { n: 0 });
  const s = Math.round(ms / 1000);
  if (s < 60) return t("reports.unit.s", { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${t("reports.unit.min", { n: m })} ${t("reports.unit.s", { n: s % 60 })}` : t("reports.unit.min", { n: m });
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${t("reports.unit.h", { n: h })} ${t("reports.unit.min", { n: m % 60 })}` : t("reports.unit.h", { n: h });
  const d = Math.floor(h / 24);
  return h % 24 ? `${t("reports.unit.d", { n: d })} ${t("reports.unit.h", { n: h % 24 })}` : t("reports.unit.d", { n: d });
}

export type Kind = "count" | "duration" | "percent" | "decimal";

export function useFormat() {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
  return (v: number, kind: Kind = "count") => {
    if (kind === "duration") return formatDuration(v, t as never);
    if (kind === "percent") return `${nf.format(v)} %`;
    return nf.format(v);
  };
}

/** Figure is one number, with the previous period's value and the change when compare is on. */
export function Figure({ id, label, value, previous, kind = "count", compare, empty, previousEmpty }: { id: string; label: string; value: number; previous?: number; kind?: Kind; compare: boolean; empty?: boolean; previousEmpty?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const ch = compare && !empty && !previousEmpty ? change(value, previous) : null;
  return (
    <div data-testid={`figure-${id}`} data-value={value} className="border-line bg-bg min-w-0 rounded-md border px-3 py-2.5">
      <div className="text-muted truncate text-xs">{label}</div>
      <div data-testid="figure-value" className="mt-0.5 text-xl font-semibold tabular-nums">
        {empty ? "—" : f(value, kind)}
      </div>
      {compare && previous !== undefined && (
        <div data-testid="figure-previous" className="text-muted mt-0.5 text-xs tabular-nums">
          {ch === null ? "" : ch > 0 ? "▲ " : ch < 0 ? "▼ " : "= "}
          {ch === null ? "" : `${ch > 0 ? "+" : ""}${ch} % · `}
          {t("reports.previous", { value: previousEmpty ? "—" : f(previous, kind) })}
        </div>
      )}
    </div>
  );
}

export function Figures({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-2 gap-2 md:grid-cols-3 xl:grid-cols-6">{children}</div>;
}

/** Section is a titled card with its CSV export link. */
export function Section({ title, exportHref, children, id }: { title: string; exportHref?: string; children: ReactNode; id?: string }) {
  const { t } = useTranslation();
  return (
    <section data-testid={id ? `section-${id}` : undefined} aria-label={title} className="border-line bg-bg rounded-md border p-3">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {exportHref && (
          <a href={exportHref} download data-testid="export-csv" className="text-accent hover:bg-hover flex items-center gap-1 rounded px-1.5 py-0.5 text-xs">
            <Download size={13} aria-hidden="true" />
            {t("reports.exportCSV")}
          </a>
        )}
      </div>
      {children}
    </section>
  );
}

export interface Bar {
  key: string;
  label: string;
  count: number;
  previous?: number;
}

/** Bars are horizontal bars drawn with CSS, each with its figure as text. */
export function Bars({ bars, label, kind = "count", testid }: { bars: Bar[]; label: string; kind?: Kind; testid?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const max = Math.max(1, ...bars.map((b) => b.count));
  if (!bars.length) return <p className="text-muted text-sm">{t("reports.noData")}</p>;
  return (
    <ul aria-label={label} data-testid={testid} className="flex flex-col gap-1.5">
      {bars.map((b) => (
        <li key={b.key} data-testid="bar" data-key={b.key} data-count={b.count} className="grid grid-cols-[minmax(6rem,10rem)_1fr_auto] items-center gap-2 text-sm">
          <span className="truncate" title={b.label}>
            {b.label}
          </span>
          <span className="bg-subtle h-3 rounded-sm" aria-hidden="true">
            <span className="bg-accent block h-3 rounded-sm" style={{ width: `${(b.count / max) * 100}%` }} />
          </span>
          <span className="text-right tabular-nums">
            {f(b.count, kind)}
            {b.previous !== undefined && <span className="text-muted ml-1 text-xs">({t("reports.previous", { value: f(b.previous, kind) })})</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Heatmap draws opened conversations by weekday (0 Monday) and hour, with the figures in a table for screen readers. */
export function Heatmap({ cells, label }: { cells: number[][]; label: string }) {
  const { t } = useTranslation();
  const days = t("reports.weekdays").split(",");
  const max = Math.max(1, ...cells.flat());
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return (
    <div data-testid="heatmap">
      <table aria-label={label} className="w-full table-fixed border-separate border-spacing-0.5 text-[10px]">
        <thead>
          <tr>
            <th scope="col" className="w-10">
              <span className="sr-only">{t("reports.weekday")}</span>
            </th>
            {hours.map((h) => (
              <th key={h} scope="col" className="text-muted font-normal">
                {h % 3 === 0 ? h : <span className="sr-only">{h}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d, w) => (
            <tr key={d}>
              <th scope="row" className="text-muted pr-1 text-left font-normal">
                {d}
              </th>
              {hours.map((h) => {
                const v = cells[w]?.[h] ?? 0;
                return (
                  <td key={h} title={`${d} ${h}:00 — ${v}`} className="bg-subtle relative h-5 rounded-sm p-0">
                    <span className="bg-accent absolute inset-0 rounded-sm" style={{ opacity: v ? 0.15 + 0.85 * (v / max) : 0 }} aria-hidden="true" />
                    <span className="sr-only">{v}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="text-muted mt-1 flex items-center justify-end gap-1 text-[10px]" aria-hidden="true">
        0
        <span className="bg-accent inline-block h-2 w-3 rounded-sm opacity-15" />
        <span className="bg-accent inline-block h-2 w-3 rounded-sm opacity-60" />
        <span className="bg-accent inline-block h-2 w-3 rounded-sm" />
        {max}
      </div>
    </div>
  );
}

export function Skeleton() {
  return (
    <div aria-hidden="true" className="grid grid-cols-3 gap-2">
      {[0, 1, 2, 3, 4, 5].map((i) => (
        <div key={i} className="bg-subtle h-20 animate-pulse rounded-md" />
      ))}
    </div>
  );
}
