/**
 * The invitation board: four columns (To contact / Yes / Maybe / No) with @dnd-kit/core.
 * A drop opens the small form the target column requires; saving moves the card at once
 * (optimistic) and posts JSON to /campaigns/:id/board/move; the answer confirms it, or puts
 * the card back (with the reason), or shows the card's current state when someone else
 * changed it first. Columns and cards are memoised: a move re-renders the two columns
 * involved and the moved card, not the board. Every card also has a plain form (no JS).
 */
import {
  closestCenter, DndContext, DragOverlay, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors,
  type Announcements, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { Form, Link } from "@remix-run/react";
import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Card } from "~/models/invitation-board.server";
import { checkMove, COLUMNS, MIN_ATTEMPTS, OUTCOMES, type Column } from "~/models/invitation.constants";
import { formDataToObject } from "~/utils/form";
import { useFormat } from "~/utils/use-format";
import { ResultFields } from "./result-fields";

export interface BoardProps {
  campaignId: number;
  /** the signed-in user: their own cards (and every card, for a manager) link to the card's page */
  userId: number;
  columns: Record<Column, Card[]>;
  counts: Record<Column, number>;
  targets: Record<Column, number | null>;
  moreHref: Record<Column, string>;
  canVerify: boolean;
  /** a failed no-JS form post: shown on its card */
  failure?: { invitationId?: number | null; formError: string; errors: Record<string, string>; values: Record<string, unknown> } | null;
}

interface State {
  columns: Record<Column, Card[]>;
  counts: Record<Column, number>;
}

type Action =
  | { type: "reset"; state: State }
  /** put `card` at the top of its result column, removing it from wherever it is */
  | { type: "place"; card: Card; from: Column };

function reducer(state: State, action: Action): State {
  if (action.type === "reset") return action.state;
  const { card, from } = action;
  const to = card.result;
  const columns = { ...state.columns };
  const counts = { ...state.counts };
  const had = columns[from].some((c) => c.id === card.id);
  columns[from] = columns[from].filter((c) => c.id !== card.id);
  if (had || from !== to) {
    if (from !== to) {
      counts[from] = Math.max(0, counts[from] - 1);
      counts[to] = counts[to] + 1;
    }
  }
  columns[to] = [card, ...columns[to].filter((c) => c.id !== card.id)];
  return { columns, counts };
}

/** Arrow left/right jump to the neighbouring column's centre; up/down nudge. */
const columnKeyboard: KeyboardCoordinateGetter = (event, { currentCoordinates, context: { collisionRect, droppableRects, droppableContainers } }) => {
  const width = collisionRect?.width ?? 0;
  const cx = currentCoordinates.x + width / 2;
  if (event.code === "ArrowRight" || event.code === "ArrowLeft") {
    event.preventDefault();
    const rects = droppableContainers.getEnabled()
      .map((c) => droppableRects.get(c.id))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .sort((a, b) => a.left - b.left);
    let here = rects.findIndex((r) => cx >= r.left && cx <= r.left + r.width);
    if (here < 0) {
      const dist = rects.map((r) => Math.abs(r.left + r.width / 2 - cx));
      here = dist.indexOf(Math.min(...dist));
    }
    const target = rects[here + (event.code === "ArrowRight" ? 1 : -1)];
    if (!target) return undefined;
    return { x: target.left + (target.width - width) / 2, y: currentCoordinates.y };
  }
  if (event.code === "ArrowDown" || event.code === "ArrowUp") {
    event.preventDefault();
    return { x: currentCoordinates.x, y: currentCoordinates.y + (event.code === "ArrowDown" ? 40 : -40) };
  }
  return undefined;
};

interface PendingMove {
  card: Card;
  from: Column;
  to: Column;
}

export function Board(props: BoardProps) {
  const { t } = useTranslation(["invitations", "common"]);
  const initial = useMemo<State>(() => ({ columns: props.columns, counts: props.counts }), [props.columns, props.counts]);
  const [state, dispatch] = useReducer(reducer, initial);
  useEffect(() => dispatch({ type: "reset", state: initial }), [initial]);
  const [activeCard, setActiveCard] = useState<Card | null>(null);
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const labels = useCardLabels();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboard }),
  );
  const columnName = useCallback((id: unknown) => t(`columns.${String(id) as Column}`), [t]);
  const nameOf = (data: unknown) => (data as { card?: Card } | undefined)?.card?.name ?? "";
  const announcements = useMemo<Announcements>(() => ({
    onDragStart: ({ active }) => t("dnd.start", { name: nameOf(active.data.current) }),
    onDragOver: ({ active, over }) => (over
      ? t("dnd.over", { name: nameOf(active.data.current), column: columnName(over.id) })
      : t("dnd.outside", { name: nameOf(active.data.current) })),
    onDragEnd: ({ active, over }) => (over
      ? t("dnd.end", { name: nameOf(active.data.current), column: columnName(over.id) })
      : t("dnd.endOutside", { name: nameOf(active.data.current) })),
    onDragCancel: ({ active }) => t("dnd.cancel", { name: nameOf(active.data.current) }),
  }), [t, columnName]);

  const onDragStart = useCallback((e: DragStartEvent) => setActiveCard((e.active.data.current as { card: Card }).card), []);
  const onDragEnd = useCallback((e: DragEndEvent) => {
    setActiveCard(null);
    const card = (e.active.data.current as { card: Card }).card;
    const to = e.over?.id as Column | undefined;
    if (!to || to === card.result) return;
    setPending({ card, from: card.result, to });
  }, []);

  const save = useCallback(async (move: PendingMove, values: Record<string, unknown>) => {
    const optimistic: Card = { ...move.card, result: move.to };
    dispatch({ type: "place", card: optimistic, from: move.from });
    setPending(null);
    setMessage({ kind: "ok", text: t("board.saving") });
    try {
      const res = await fetch(`/campaigns/${props.campaignId}/board/move`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ ...values, invitationId: move.card.id, version: move.card.version, to: move.to }),
      });
      const body = await res.json().catch(() => null) as { ok: boolean; card?: Card; formError?: string; stale?: boolean } | null;
      if (res.ok && body?.ok && body.card) {
        dispatch({ type: "place", card: body.card, from: move.to });
        setMessage({ kind: "ok", text: t("board.saved", { name: body.card.name, column: columnName(body.card.result) }) });
      } else if (body?.stale && body.card) {
        dispatch({ type: "place", card: body.card, from: move.to });
        setMessage({ kind: "error", text: t("board.staleShown", { name: body.card.name }) });
      } else {
        dispatch({ type: "place", card: move.card, from: move.to });
        setMessage({ kind: "error", text: t("board.failed", { reason: t((body?.formError ?? "invitations:errors.network") as "errors.network") }) });
      }
    } catch {
      dispatch({ type: "place", card: move.card, from: move.to });
      setMessage({ kind: "error", text: t("board.failed", { reason: t("errors.network") }) });
    }
  }, [props.campaignId, t, columnName]);

  return (
    <>
      <p className={message?.kind === "error" ? "form-error" : "muted"} role="status" aria-live="polite" data-testid="board-message">
        {message?.text ?? ""}
      </p>
      <DndContext
        id="invitation-board"
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={() => setActiveCard(null)}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t("dnd.instructions") } }}
      >
        <div className="inv-board" aria-label={t("board.label")} role="region">
          {COLUMNS.map((col) => (
            <BoardColumn
              key={col}
              column={col}
              cards={state.columns[col]}
              count={state.counts[col]}
              target={props.targets[col]}
              moreHref={props.moreHref[col]}
              canVerify={props.canVerify}
              campaignId={props.campaignId}
              userId={props.userId}
              labels={labels}
              failure={props.failure?.invitationId && state.columns[col].some((c) => c.id === props.failure!.invitationId) ? props.failure : undefined}
            />
          ))}
        </div>
        <DragOverlay>{activeCard ? <div className="inv-card inv-card-overlay"><strong>{activeCard.name}</strong></div> : null}</DragOverlay>
      </DndContext>
      {pending ? <MoveDialog move={pending} onCancel={() => setPending(null)} onSave={save} /> : null}
    </>
  );
}

/** Strings and formatters computed once per board render, so cards need no hooks of their own. */
export interface CardLabels {
  t: (key: string, opts?: Record<string, unknown>) => string;
  date: (iso: string | null) => string;
  money: (fen: number) => string;
  outcomeOptions: { value: string; label: string }[];
}

function useCardLabels(): CardLabels {
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  return useMemo(() => {
    // A board renders hundreds of cards whose strings mostly repeat (group names, outcome
    // labels, "Save"): each distinct key and options pair is translated once per render.
    const memo = new Map<string, string>();
    const translate = (key: string, opts?: Record<string, unknown>) => {
      const k = opts ? `${key}\u0000${JSON.stringify(opts)}` : key;
      let v = memo.get(k);
      if (v === undefined) memo.set(k, (v = t(key as "board.empty", opts as never) as unknown as string));
      return v;
    };
    return {
    t: translate,
    date: (iso: string | null) => f.date(iso),
    money: (fen: number) => f.money(fen),
    outcomeOptions: OUTCOMES.map((o) => ({ value: o, label: t(`outcomes.${o}`) })),
    };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, f.locale]);
}

const BoardColumn = memo(function BoardColumn({ column, cards, count, target, moreHref, canVerify, campaignId, userId, failure, labels }: {
  column: Column; cards: Card[]; count: number; target: number | null; moreHref: string; canVerify: boolean; campaignId: number; userId: number; failure?: BoardProps["failure"]; labels: CardLabels;
}) {
  const { t } = labels;
  const { setNodeRef, isOver } = useDroppable({ id: column });
  const headingId = `col-${column}-title`;
  return (
    <section ref={setNodeRef} className={`inv-column${isOver ? " is-over" : ""}`} aria-labelledby={headingId} data-column={column}>
      <h2 id={headingId} className="inv-column-title">
        {t(`columns.${column}`)} <span className="badge" data-testid={`count-${column}`}>{count}</span>
        {target !== null ? <span className="muted inv-target"> · {t("board.target", { target })}</span> : null}
      </h2>
      {cards.length ? (
        <ul className="inv-cards">
          {cards.map((card) => <CardView key={card.id} card={card} canVerify={canVerify} openHref={canVerify || card.assigneeId === userId ? `/campaigns/${campaignId}/calls?invitation=${card.id}` : null} failure={failure?.invitationId === card.id ? failure : undefined} labels={labels} />)}
        </ul>
      ) : <p className="muted">{t("board.empty")}</p>}
      {count > cards.length ? (
        <p className="inv-more">
          <span className="muted">{t("board.showing", { shown: cards.length, count })}</span>{" "}
          <Link to={moreHref} preventScrollReset>{t("board.showMore")}</Link>
        </p>
      ) : null}
    </section>
  );
});

const CardView = memo(function CardView({ card, canVerify, openHref, failure, labels }: { card: Card; canVerify: boolean; openHref: string | null; failure?: BoardProps["failure"]; labels: CardLabels }) {
  const { t } = labels;
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: card.id, data: { card } });
  const short = (card.result === "pending" || card.result === "maybe") && card.attempts < MIN_ATTEMPTS;
  const nameId = `card-${card.id}-name`;
  const vehicles = card.vehicles.map((v) => [v.plate, v.model].filter(Boolean).join(" ")).join(" · ");
  const notes = [
    card.callbackAt ? t("board.callback", { at: card.callbackAt.replace("T", " ") }) : null,
    card.nextFollowUp ? t("board.followUp", { date: labels.date(card.nextFollowUp) }) : null,
    card.managerJoins ? t("board.managerJoins") : null,
    card.result === "yes" && card.intentVerified ? t("board.intentVerified") : null,
    card.depositFen ? t("board.deposit", { amount: labels.money(card.depositFen) }) : null,
    card.lossReason ? `${t(`lossReasons.${card.lossReason}`)} · ${t(card.lossVerified ? "board.lossVerified" : "board.lossUnverified")}` : null,
    card.assigneeName ? t("board.assignee", { name: card.assigneeName }) : t("board.unassigned"),
  ].filter(Boolean).join(" · ");
  return (
    <li className={`inv-card${isDragging ? " is-dragging" : ""}`} data-card-id={card.id} data-result={card.result} aria-labelledby={nameId}>
      <div className="inv-card-head">
        <button type="button" ref={setNodeRef} className="drag-handle" {...listeners} {...attributes} aria-label={t("board.moveCard", { name: card.name })}>
          <span aria-hidden="true">⠿</span>
        </button>
        <strong id={nameId}>{card.name}</strong>
        {card.kind === "associated" ? <span className="badge">{t("kinds.associated")}</span> : null}
        {/* a plain link: the card's page (history, every result form) needs no client routing */}
        {openHref ? <a className="inv-card-open" href={openHref} aria-label={t("board.openCard", { name: card.name })}>{t("board.open")}</a> : null}
      </div>
      <p className="inv-card-line">{[card.phone, vehicles].filter(Boolean).join(" · ")}</p>
      <p className="inv-card-line">
        {card.group ? <span className="badge">{t("common:groupLabel", { n: card.group })} · {t(`common:groups.${card.group}.name`)}</span> : null}
        {card.tier ? <span className="badge">{card.tier}</span> : null}
        <span className={`badge${short ? " badge-warn" : ""}`}>{t("board.attempts", { n: card.attempts })}</span>
      </p>
      <p className="inv-card-line muted">{notes}</p>
      <CardForm card={card} failure={failure} labels={labels} canVerify={canVerify} />
    </li>
  );
});

/**
 * The plain (no-JS) form on each card: pick an outcome and save. When the outcome needs its
 * follow-up (a date, a reason), the server answers with the card's full form and the errors.
 */
function CardForm({ card, failure, labels, canVerify }: { card: Card; failure?: BoardProps["failure"]; labels: CardLabels; canVerify: boolean }) {
  const { t } = labels;
  const selectId = `c${card.id}-outcome`;
  return (
    <>
      <form method="post" className="inv-card-form">
        <input type="hidden" name="intent" value="attempt" />
        <input type="hidden" name="invitationId" value={card.id} />
        <input type="hidden" name="version" value={card.version} />
        {failure ? (
          <>
            <p className="form-error" role="alert">{t(failure.formError)}</p>
            <ResultFields idPrefix={`c${card.id}`} column="any" errors={failure.errors} values={failure.values} showChannel={false} />
          </>
        ) : (
          <span className="inv-quick">
            <label htmlFor={selectId}>{t("board.setResult")}</label>
            <select id={selectId} name="outcome" defaultValue="">
              <option value="" disabled>{t("form.choose")}</option>
              {labels.outcomeOptions.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </span>
        )}
        <button type="submit" className="secondary">{t("form.save")}</button>
      </form>
      {canVerify && card.result === "no" && !card.lossVerified ? (
        <form method="post" className="inv-inline-form">
          <input type="hidden" name="intent" value="verify_loss" />
          <input type="hidden" name="invitationId" value={card.id} />
          <input type="hidden" name="version" value={card.version} />
          <button type="submit" className="secondary">{t("form.verifyLoss")}</button>
        </form>
      ) : null}
    </>
  );
}

function MoveDialog({ move, onCancel, onSave }: { move: PendingMove; onCancel: () => void; onSave: (move: PendingMove, values: Record<string, unknown>) => void }) {
  const { t } = useTranslation(["invitations", "common"]);
  const ref = useRef<HTMLDialogElement>(null);
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = formDataToObject(new FormData(e.currentTarget));
    const refused = checkMove(move.to, values);
    if (refused) {
      setErrors(refused);
      return;
    }
    onSave(move, values);
  };
  const titleId = "move-dialog-title";
  return (
    <dialog ref={ref} className="inv-dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onCancel(); }} data-testid="move-dialog">
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id={titleId}>{t("form.title", { name: move.card.name, column: t(`columns.${move.to}`) })}</h2>
        {errors?._form ? <p className="form-error" role="alert">{t(errors._form as "errors.required")}</p> : null}
        <ResultFields idPrefix="move" column={move.to} errors={errors} />
        <div className="inv-dialog-actions">
          <button type="submit">{t("form.save")}</button>
          <button type="button" className="secondary" onClick={onCancel}>{t("form.cancel")}</button>
        </div>
      </form>
    </dialog>
  );
}
