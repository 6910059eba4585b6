/**
 * The chart.js canvas, loaded by `Chart` after the page has hydrated (a chunk of its own: the
 * pages with charts do not make the browser load chart.js before they work).
 */
import {
  BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip,
  type ChartData, type ChartOptions,
} from "chart.js";
import { Bar, Line } from "react-chartjs-2";

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

export function ChartCanvas({ kind, data, options }: { kind: "bar" | "line"; data: ChartData<"bar" | "line">; options: ChartOptions<"bar" | "line"> }) {
  return kind === "line"
    ? <Line data={data as ChartData<"line">} options={options as ChartOptions<"line">} />
    : <Bar data={data as ChartData<"bar">} options={options as ChartOptions<"bar">} />;
}
