// A time series drawn with uPlot, in the app's colours (read from the CSS
// tokens, redrawn when the theme changes), with a table of the figures for
// screen readers.
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  token: "accent" | "success" | "warning" | "danger" | "muted";
  values: number[];
}

/** pointTime turns a series label (YYYY-MM-DD or YYYY-MM-DDTHH, local) into seconds, read as UTC. */
export function pointTime(t: string): number {
  const [d = "", h] = t.split("T");
  const [y = 1970, m = 1, day = 1] = d.split("-").map(Number);
  return Date.UTC(y, m - 1, day, h ? Number(h) : 0) / 1000;
}

const swatch: Record<Series["token"], string> = {
  accent: "bg-accent",
  success: "bg-success",
  warning: "bg-warning",
  danger: "bg-danger",
  muted: "bg-muted",
};

function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--sb-${name}`).trim() || "#888";
}

function useThemeTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const o = new MutationObserver(() => setTick((n) => n + 1));
    o.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    return () => o.disconnect();
  }, []);
  return tick;
}

export function TimeChart({ labels, series, label, height = 220 }: { labels: string[]; series: Series[]; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const tick = useThemeTick();
  useEffect(() => {
    const el = box.current;
    if (!el || typeof window === "undefined" || !("getContext" in HTMLCanvasElement.prototype)) return;
    if (navigator.userAgent.includes("jsdom")) return;
    const fg = token("muted");
    const grid = token("line");
    const hourly = labels.some((l) => l.includes("T"));
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      axes: [
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: hourly ? "{HH}:00" : "{MMM} {D}" },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: token(s.token), width: 2, points: { show: labels.length < 40 } }))],
    };
    const data: uPlot.AlignedData = [labels.map(pointTime), ...series.map((s) => s.values)];
    const u = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 300), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [labels, series, height, tick]);
  return (
    <figure aria-label={label} className="reports-chart">
      <div ref={box} aria-hidden="true" className="w-full" />
      <figcaption className="mt-1 flex flex-wrap justify-center gap-4 text-xs">
        {series.map((s) => (
          <span key={s.label} className="flex items-center gap-1.5">
            <span aria-hidden="true" className={"inline-block h-0.5 w-4 rounded " + swatch[s.token]} />
            {s.label}
            <span className="text-muted tabular-nums">{s.values.reduce((a, b) => a + b, 0)}</span>
          </span>
        ))}
      </figcaption>
      <table className="sr-only">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
