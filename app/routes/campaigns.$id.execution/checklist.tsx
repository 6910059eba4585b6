import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ExecutionFlashValues as Flash } from "~/models/execution.schema";
import type { ExecutionPage } from "~/models/execution.server";
import { useFormat } from "~/utils/use-format";
import { useActionFor } from "./action-data";

export function ChecklistSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const phases = ["prep", "execution", "wrapup"] as const;
  const result = useActionFor("task");
  return (
    <section className="ex-section" id="checklist" aria-labelledby="checklist-title">
      <h2 id="checklist-title">{t("checklist.title")}</h2>
      {flash.saved === "task" ? <p className="notice" role="status">{t("saved")}</p> : null}
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      {page.tasks.length === 0 ? <p className="muted">{t("checklist.none")}</p> : null}
      {phases.map((phase) => {
        const tasks = page.tasks.filter((x) => x.phase === phase);
        if (!tasks.length) return null;
        return (
          <div key={phase}>
            <h3>{t(`campaigns:phases.${phase}` as "title")} <span className="muted">({tasks.filter((x) => x.status === "done").length}/{tasks.length})</span></h3>
            <div className="table-wrap" tabIndex={0}>
              <table data-testid={`tasks-${phase}`}>
                <thead><tr><th>{t("checklist.task")}</th><th>{t("checklist.owner")}</th><th>{t("checklist.due")}</th><th>{t("checklist.status")}</th></tr></thead>
                <tbody>
                  {tasks.map((task) => (
                    <tr key={task.id}>
                      <td>{task.title} {task.overdue ? <span className="tag tag-overdue">{t("checklist.overdue")}</span> : null}</td>
                      <td>{task.ownerName ?? t("checklist.noOwner")}</td>
                      <td>{f.date(task.dueDate)}</td>
                      <td>
                        {task.mayChange && c_open(page) ? (
                          <Form method="post" action="#checklist" className="inline-form">
                            <input type="hidden" name="intent" value="task" />
                            <input type="hidden" name="taskId" value={task.id} />
                            <label className="visually-hidden" htmlFor={`task-${task.id}`}>{t("checklist.statusOf", { title: task.title })}</label>
                            <select id={`task-${task.id}`} name="status" defaultValue={result?.values?.taskId === String(task.id) ? String(result.values.status) : task.status}>
                              {(["todo", "doing", "done"] as const).map((s) => <option key={s} value={s}>{t(`campaigns:taskStatuses.${s}` as "title")}</option>)}
                            </select>
                            <button type="submit" className="secondary" disabled={busy} aria-label={t("checklist.saveOf", { title: task.title })}>{t("checklist.save")}</button>
                          </Form>
                        ) : t(`campaigns:taskStatuses.${task.status}` as "title")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </section>
  );
}
const c_open = (page: ExecutionPage) => page.campaign.status !== "closed";

export function ReadinessSection({ page }: { page: ExecutionPage }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const done = page.readiness.filter((r) => r.checked).length;
  const result = useActionFor("readiness");
  return (
    <section className="ex-section" id="readiness" aria-labelledby="readiness-title">
      <h2 id="readiness-title">{t("readiness.title")} <span className="muted">({done}/{page.readiness.length})</span></h2>
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      <p className="muted">{t("readiness.hint")}</p>
      <ul className="readiness" data-testid="readiness">
        {page.readiness.map((r) => (
          <li key={r.point}>
            <span>
              <strong>{t(`readiness.points.${r.point}`)}</strong><br />
              <span className={r.checked ? "ok" : "muted"}>{r.checked ? t("readiness.readyBy", { by: r.by ?? "—", time: f.dateTime(r.at) }) : t("readiness.notReady")}</span>
            </span>
            {page.mayTickReadiness ? (
              <Form method="post" action="#readiness">
                <input type="hidden" name="intent" value="readiness" />
                <input type="hidden" name="point" value={r.point} />
                <input type="hidden" name="checked" value={r.checked ? "0" : "1"} />
                <button type="submit" className={r.checked ? "secondary" : undefined} disabled={busy}
                  aria-label={t(r.checked ? "readiness.undoOf" : "readiness.markOf", { point: t(`readiness.points.${r.point}`) })}>
                  {r.checked ? t("readiness.undo") : t("readiness.mark")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

