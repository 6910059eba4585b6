import { useEffect, useState } from "react";
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
 * fetched once the page has hydrated (`chart-canvas.tsx`, its own chunk).
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
  useEffect(() => {
    let live = true;
    void import("./chart-canvas").then((m) => {
      if (live) setCanvas(() => m.ChartCanvas);
    });
    return () => {
      live = false;
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
    <div className="chart-box" style={{ height }} aria-hidden="true" data-testid={testId} data-chart-ready={Canvas ? "true" : undefined}>
      {Canvas ? <Canvas kind={kind} data={data as never} options={options as never} /> : null}
    </div>
  );
}
