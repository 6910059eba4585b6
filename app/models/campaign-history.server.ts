/**
 * What a campaign's history refers to by id, by name: tasks (task_status), budget lines
 * (actual_cost) and the guests of event orders and deposits (arrival ids). Read for the rows
 * shown, so a long history costs one query per kind.
 */
import type { DB } from "#db/client";
import type { HistoryRefs } from "~/utils/campaign-history";

export async function getHistoryRefs(
  db: DB,
  { campaignId, history }: { campaignId: number; history: { field: string | null; new_value: string | null }[] },
): Promise<HistoryRefs> {
  const arrivalIds = new Set<number>();
  for (const h of history) {
    if ((h.field !== "event_order" && h.field !== "event_deposit") || !h.new_value) continue;
    try {
      const id = (JSON.parse(h.new_value) as { arrivalId?: unknown }).arrivalId;
      if (typeof id === "number" && Number.isSafeInteger(id)) arrivalIds.add(id);
    } catch {
      // not JSON: nothing to look up
    }
  }
  const needsTasks = history.some((h) => h.field === "task_status");
  const needsLines = history.some((h) => h.field === "actual_cost");
  const [tasks, lines, arrivals] = await Promise.all([
    needsTasks ? db.selectFrom("campaign_tasks").select(["id", "title"]).where("campaign_id", "=", campaignId).execute() : Promise.resolve([]),
    needsLines ? db.selectFrom("campaign_budget_lines").select(["id", "category", "description"]).where("campaign_id", "=", campaignId).execute() : Promise.resolve([]),
    arrivalIds.size
      ? db.selectFrom("arrivals").innerJoin("customers", "customers.id", "arrivals.customer_id").select(["arrivals.id", "customers.name"])
        .where("arrivals.campaign_id", "=", campaignId).where("arrivals.id", "in", [...arrivalIds]).execute()
      : Promise.resolve([]),
  ]);
  return {
    tasks: Object.fromEntries(tasks.map((x) => [String(x.id), x.title])),
    lines: Object.fromEntries(lines.map((x) => [String(x.id), { category: x.category, description: x.description }])),
    arrivals: Object.fromEntries(arrivals.map((x) => [String(x.id), x.name])),
  };
}
