import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from "chart.js";
import { useEffect, useState } from "react";
import { Bar } from "react-chartjs-2";

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

/**
 * A bar chart drawn on the client only (the server renders nothing for it); the same numbers
 * are always in a table beside it, so the canvas is hidden from assistive technology.
 */
export function BreakdownChart({ labels, values, label }: { labels: string[]; values: number[]; label: string }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted) return null;
  return (
    <div aria-hidden="true" style={{ position: "relative", height: 180 }}>
      <Bar
        data={{ labels, datasets: [{ label, data: values, backgroundColor: "#2f6fb3" }] }}
        options={{ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }}
      />
    </div>
  );
}
