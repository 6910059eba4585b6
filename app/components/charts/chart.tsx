import { useEffect, useRef, useState } from "react";
import type { ChartCanvas } from "./chart-canvas";

export const CHART_COLOURS = ["#0b5cad", "#c9942f", "#1f7a3a", "#b3261e", "#6b4fa8", "#4a5361", "#2a9d8f", "#e76f51"];

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/**
 * A chart.js chart drawn on the client only. The server renders the box at its final
 * height, so nothing moves when the canvas appears; the canvas is hidden from assistive
 * technology because the same numbers are always in a table next to it. chart.js itself is
 * fetched once the page has hydrated (`chart-canvas.tsx`, its own chunk), and a chart is drawn
 * when its box comes near the screen: on a phone most of a dashboard's charts are further down,
 * and drawing them all at once just after the page loads held the browser's main thread for
 * 200–400 ms (Lighthouse's total blocking time on the dashboard).
 */
export function Chart({
  kind = "bar", labels, series, height = 220, horizontal = false, stacked = false, percent = false, testId,
}: {
  kind?: "bar" | "line";
  labels: string[];
  series: ChartSeries[];
  height?: number;
  horizontal?: boolean;
  stacked?: boolean;
  percent?: boolean;
  testId?: string;
}) {
  const [Canvas, setCanvas] = useState<typeof ChartCanvas | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    const load = () => void import("./chart-canvas").then((m) => {
      if (live) setCanvas(() => m.ChartCanvas);
    });
    const el = box.current;
    if (!el || typeof IntersectionObserver === "undefined") {
      load();
      return () => {
        live = false;
      };
    }
    const near = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      near.disconnect();
      load();
    }, { rootMargin: "200px 0px" });
    near.observe(el);
    return () => {
      live = false;
      near.disconnect();
    };
  }, []);
  const data = {
    labels,
    datasets: series.map((s, i) => ({
      label: s.label,
      data: s.values,
      backgroundColor: CHART_COLOURS[i % CHART_COLOURS.length],
      borderColor: CHART_COLOURS[i % CHART_COLOURS.length],
      spanGaps: true,
    })),
  };
  const valueAxis = { beginAtZero: true, stacked, ticks: percent ? { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` } : { precision: 0 } };
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    indexAxis: horizontal ? ("y" as const) : ("x" as const),
    plugins: { legend: { display: series.length > 1 } },
    scales: horizontal ? { x: valueAxis, y: { stacked } } : { y: valueAxis, x: { stacked } },
  };
  return (
    <div ref={box} className="chart-box" style={{ height }} aria-hidden="true" data-testid={testId} data-chart-ready={Canvas ? "true" : undefined}>
      {Canvas ? <Canvas kind={kind} data={data as never} options={options as never} /> : null}
    </div>
  );
}
