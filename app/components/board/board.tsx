/**
 * The invitation board: four columns (To contact / Yes / Maybe / No) with @dnd-kit/core.
 * A drop opens the small form the target column requires; saving moves the card at once
 * (optimistic) and posts JSON to /campaigns/:id/board/move; the answer confirms it, or puts
 * the card back (with the reason; a refused field reopens the form with what was typed), or
 * shows the card's current state when someone else changed it first. Columns and cards are
 * memoised: a move re-renders the two columns involved and the moved card, not the board.
 *
 * Every card the viewer may work (a manager: all; staff: their own) also has its own result
 * form: a plain HTML form (it posts the page without JavaScript); with JavaScript it posts JSON
 * to /campaigns/:id/board/attempt and the board stays where it is. After a save or a keyboard
 * move, focus goes back to the card (or, when it left a column hidden on a phone, to the card
 * that took its place) and a status line says what was saved. Cards of other people are read
 * only (the server refuses them anyway). On a phone one column is shown at a time, with a
 * switch between them.
 */
import {
  closestCenter, DndContext, DragOverlay, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors,
  type Announcements, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { Link } from "@remix-run/react";
import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Card } from "~/models/invitation-board.server";
import { checkMove, COLUMNS, MIN_ATTEMPTS, OUTCOMES, type Column } from "~/models/invitation.constants";
import { localNow } from "~/utils/format";
import { formDataToObject, type FormFailure } from "~/utils/form";
import { useFormat } from "~/utils/use-format";
import { CardHidden } from "./card-hidden";
import { failureMessage } from "./failure";
import { ResultFields } from "./result-fields";

/** A refused card form: the one failure shape (decision 023), with the card it was about. */
type Failure = FormFailure;

export interface BoardProps {
  campaignId: number;
  /** the signed-in user: their own cards (and every card, for a manager) may be worked */
  userId: number;
  columns: Record<Column, Card[]>;
  counts: Record<Column, number>;
  targets: Record<Column, number | null>;
  moreHref: Record<Column, string>;
  /** a manager: works every card, verifies losses and intents */
  canVerify: boolean;
  /** the store's time zone: a call-back before its local time now is refused */
  timeZone: string;
  /** a failed no-JS form post: shown on its card */
  failure?: Failure | null;
  /** a card saved by a no-JS form post (the page came back to it) */
  saved?: { id: number; name: string; result: Column } | null;
}

interface State {
  columns: Record<Column, Card[]>;
  counts: Record<Column, number>;
}

type Action =
  | { type: "reset"; state: State }
  /** put `card` at the top of its result column, removing it from wherever it is */
  | { type: "place"; card: Card; from: Column }
  /** a card whose column did not change: replaced where it is */
  | { type: "update"; card: Card };

function reducer(state: State, action: Action): State {
  if (action.type === "reset") return action.state;
  if (action.type === "update") {
    const col = action.card.result;
    if (!state.columns[col].some((c) => c.id === action.card.id)) return reducer(state, { type: "place", card: action.card, from: col });
    return { ...state, columns: { ...state.columns, [col]: state.columns[col].map((c) => (c.id === action.card.id ? action.card : c)) } };
  }
  const { card, from } = action;
  const to = card.result;
  const columns = { ...state.columns };
  const counts = { ...state.counts };
  columns[from] = columns[from].filter((c) => c.id !== card.id);
  if (from !== to) {
    counts[from] = Math.max(0, counts[from] - 1);
    counts[to] = counts[to] + 1;
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
      .filter((r): r is NonNullable<typeof r> => !!r && r.width > 0)
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
  /** reopened after a refusal: what was typed and why it was refused */
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
}

/** Where focus goes after a save: the card, or (when it is not shown) the one in its old place. */
interface FocusRequest {
  id: number;
  column: Column;
  /** the card's place in its column before the save; −1: the column's heading */
  index: number;
  /** only when focus was lost (fell to the page body), e.g. after the server's answer */
  onlyIfLost?: boolean;
}

/** The JSON endpoints' answer: `{ ok, card }`, or the one failure shape (a stale card: its current state). */
type CardAnswer = { ok?: boolean; card?: Card; formError?: string | null; stale?: boolean; errors?: Record<string, string> };

async function postJson(url: string, body: unknown): Promise<{ res: Response; body: CardAnswer | null }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json().catch(() => null)) as CardAnswer | null };
}

const fieldErrorsOf = (errors: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(errors ?? {}).filter(([k]) => k !== "_form" && k !== "invitationId" && k !== "version"));

export function Board(props: BoardProps) {
  const { t } = useTranslation(["invitations", "common"]);
  const initial = useMemo<State>(() => ({ columns: props.columns, counts: props.counts }), [props.columns, props.counts]);
  const [state, dispatch] = useReducer(reducer, initial);
  useEffect(() => dispatch({ type: "reset", state: initial }), [initial]);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [activeCard, setActiveCard] = useState<Card | null>(null);
  const [pending, setPending] = useState<PendingMove | null>(null);
  const labels = useCardLabels();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(() =>
    props.saved ? { kind: "ok", text: t("board.saved", { name: props.saved.name, column: t(`columns.${props.saved.result}`) }) } : null);
  /** cards whose own form was refused (with JavaScript): shown with every field and the errors */
  const [cardFailures, setCardFailures] = useState<Record<number, Failure>>({});
  /** the column shown on a phone; the switch works once the page is interactive */
  const [shown, setShown] = useState<Column>("pending");
  const [interactive, setInteractive] = useState(false);

  // ── focus after a save or a keyboard move ──
  const focusRef = useRef<FocusRequest | null>(null);
  const [focusTick, setFocusTick] = useState(0);
  const requestFocus = useCallback((req: FocusRequest) => {
    focusRef.current = req;
    setFocusTick((n) => n + 1);
  }, []);
  const placeOf = useCallback((card: Card, onlyIfLost = false): FocusRequest => {
    const column = card.result;
    return { id: card.id, column, index: Math.max(0, stateRef.current.columns[column].findIndex((c) => c.id === card.id)), onlyIfLost };
  }, []);
  useEffect(() => {
    const req = focusRef.current;
    if (!req) return;
    focusRef.current = null;
    const active = document.activeElement;
    if (req.onlyIfLost && active && active !== document.body && active.isConnected) return;
    const visible = (el: Element | null): el is HTMLElement => !!el && el.getClientRects().length > 0;
    let target: HTMLElement | null = null;
    const card = req.index < 0 ? null : document.querySelector(`li[data-card-id="${req.id}"]`);
    if (req.index < 0) target = document.getElementById(`col-${req.column}-title`);
    else if (visible(card)) target = card;
    else {
      const rest = [...document.querySelectorAll<HTMLElement>(`section[data-column="${req.column}"] li.inv-card`)];
      target = rest[Math.min(req.index, rest.length - 1)] ?? document.getElementById(`col-${req.column}-title`);
    }
    if (!target) return;
    (target.querySelector<HTMLElement>(".drag-handle") ?? target).focus();
  }, [focusTick, state]);

  // Once interactive, the phone shows one column: the one the address points at (a column, or
  // the card a no-JS post came back to, e.g. after verifying a loss), else To contact.
  useEffect(() => {
    const hash = window.location.hash;
    const cardId = /^#card-(\d+)$/.exec(hash)?.[1];
    const column = cardId
      ? COLUMNS.find((c) => stateRef.current.columns[c].some((card) => card.id === Number(cardId)))
      : COLUMNS.find((c) => hash === `#col-${c}`);
    if (column) setShown(column);
    setInteractive(true);
    if (cardId && column) requestFocus({ id: Number(cardId), column, index: 0 });
  }, [requestFocus]);

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
    if (!to || to === card.result) {
      requestFocus(placeOf(card));
      return;
    }
    setPending({ card, from: card.result, to });
  }, [requestFocus, placeOf]);

  const cancelMove = useCallback((move: PendingMove) => {
    setPending(null);
    requestFocus(placeOf(move.card));
  }, [requestFocus, placeOf]);

  const save = useCallback(async (move: PendingMove, values: Record<string, unknown>) => {
    const before = placeOf(move.card);
    const optimistic: Card = { ...move.card, result: move.to };
    dispatch({ type: "place", card: optimistic, from: move.from });
    setPending(null);
    requestFocus({ ...before, id: move.card.id });
    setMessage({ kind: "ok", text: t("board.saving") });
    try {
      const { res, body } = await postJson(`/campaigns/${props.campaignId}/board/move`, { ...values, invitationId: move.card.id, version: move.card.version, to: move.to });
      if (res.ok && body?.ok && body.card) {
        dispatch({ type: "place", card: body.card, from: move.to });
        setMessage({ kind: "ok", text: t("board.saved", { name: body.card.name, column: columnName(body.card.result) }) });
        requestFocus({ ...before, onlyIfLost: true });
      } else if (body?.stale && body.card) {
        dispatch({ type: "place", card: body.card, from: move.to });
        setMessage({ kind: "error", text: t("board.staleShown", { name: body.card.name }) });
        requestFocus({ ...before, onlyIfLost: true });
      } else {
        dispatch({ type: "place", card: move.card, from: move.to });
        const reason = t((failureMessage({ formError: body?.formError ?? null, errors: fieldErrorsOf(body?.errors) }) ?? "invitations:errors.network") as "errors.network");
        setMessage({ kind: "error", text: t("board.failed", { reason }) });
        // a refused field (a receipt number already used, a call-back time gone by): the form
        // opens again with what was typed and the reason next to the field
        const errors = fieldErrorsOf(body?.errors);
        if (Object.keys(errors).length) setPending({ ...move, values, errors });
        else requestFocus({ ...before, onlyIfLost: true });
      }
    } catch {
      dispatch({ type: "place", card: move.card, from: move.to });
      setMessage({ kind: "error", text: t("board.failed", { reason: t("errors.network") }) });
      requestFocus({ ...before, onlyIfLost: true });
    }
  }, [props.campaignId, t, columnName, requestFocus, placeOf]);

  /** A card's own form, with JavaScript: the attempt is saved without leaving the page. */
  const saveCard = useCallback(async (card: Card, values: Record<string, unknown>) => {
    const before = placeOf(card);
    setMessage({ kind: "ok", text: t("board.saving") });
    const clear = () => setCardFailures((f) => {
      if (!(card.id in f)) return f;
      const { [card.id]: _, ...rest } = f;
      return rest;
    });
    try {
      const { res, body } = await postJson(`/campaigns/${props.campaignId}/board/attempt`, { ...values, invitationId: card.id, version: card.version });
      if (res.ok && body?.ok && body.card) {
        clear();
        const moved = body.card.result !== card.result;
        dispatch(moved ? { type: "place", card: body.card, from: card.result } : { type: "update", card: body.card });
        const outcome = String(values.outcome ?? "");
        setMessage({
          kind: "ok",
          text: moved || !(OUTCOMES as readonly string[]).includes(outcome)
            ? t("board.saved", { name: body.card.name, column: columnName(body.card.result) })
            : t("board.savedAttempt", { name: body.card.name, outcome: t(`outcomes.${outcome as "yes"}`) }),
        });
        requestFocus(before);
      } else if (body?.stale && body.card) {
        clear();
        dispatch(body.card.result !== card.result ? { type: "place", card: body.card, from: card.result } : { type: "update", card: body.card });
        setMessage({ kind: "error", text: t("board.staleShown", { name: body.card.name }) });
        requestFocus(before);
      } else {
        const formError = failureMessage({ formError: body?.formError ?? null, errors: body?.errors ?? {} }) ?? "invitations:errors.network";
        setMessage({ kind: "error", text: t("board.failed", { reason: t(formError as "errors.network") }) });
        setCardFailures((f) => ({ ...f, [card.id]: { intent: "attempt", invitationId: card.id, formError, errors: body?.errors ?? {}, values } }));
        requestFocus({ ...before, onlyIfLost: true });
      }
    } catch {
      setMessage({ kind: "error", text: t("board.failed", { reason: t("errors.network") }) });
    }
  }, [props.campaignId, t, columnName, requestFocus, placeOf]);

  const failureOf = (col: Column) => {
    const own = props.failure?.invitationId && state.columns[col].some((c) => c.id === props.failure!.invitationId) ? { [props.failure.invitationId]: props.failure } : {};
    const local = Object.fromEntries(Object.entries(cardFailures).filter(([id]) => state.columns[col].some((c) => c.id === Number(id))));
    return Object.keys(own).length || Object.keys(local).length ? { ...own, ...local } as Record<number, Failure> : NO_FAILURES;
  };

  return (
    <>
      <div className="inv-sticky">
      <p className={`inv-status ${message?.kind === "error" ? "form-error" : "inv-status-ok"}`} role="status" aria-live="polite" data-testid="board-message">
        {message?.text ?? ""}
      </p>
      <nav className="inv-switch" aria-label={t("board.columnsLabel")} data-testid="column-switch">
        <ul>
          {COLUMNS.map((col) => (
            <li key={col}>
              <a
                href={`#col-${col}`}
                aria-current={interactive && shown === col ? "true" : undefined}
                onClick={(e) => {
                  if (!interactive) return;
                  e.preventDefault();
                  setShown(col);
                  // to the top of the column shown, its heading focused (read out with its count)
                  requestFocus({ id: 0, column: col, index: -1 });
                }}
              >
                {t("board.columnButton", { column: t(`columns.${col}`), count: state.counts[col] })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      </div>
      <DndContext
        id="invitation-board"
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onDragCancel={(e) => {
          setActiveCard(null);
          requestFocus(placeOf((e.active.data.current as { card: Card }).card));
        }}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t("dnd.instructions") }, restoreFocus: false }}
      >
        <div className={`inv-board${interactive ? " is-switching" : ""}`} aria-label={t("board.label")} role="region">
          {COLUMNS.map((col) => (
            <BoardColumn
              key={col}
              column={col}
              hiddenOnPhone={interactive && shown !== col}
              cards={state.columns[col]}
              count={state.counts[col]}
              target={props.targets[col]}
              moreHref={props.moreHref[col]}
              canVerify={props.canVerify}
              campaignId={props.campaignId}
              userId={props.userId}
              labels={labels}
              failures={failureOf(col)}
              onSaveCard={saveCard}
            />
          ))}
        </div>
        <DragOverlay>{activeCard ? <div className="inv-card inv-card-overlay"><strong>{activeCard.name}</strong></div> : null}</DragOverlay>
      </DndContext>
      {pending ? <MoveDialog key={`${pending.card.id}:${pending.to}:${pending.errors ? "again" : "first"}`} move={pending} timeZone={props.timeZone} onCancel={cancelMove} onSave={save} /> : null}
    </>
  );
}

const NO_FAILURES: Record<number, Failure> = {};

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

const BoardColumn = memo(function BoardColumn({ column, hiddenOnPhone, cards, count, target, moreHref, canVerify, campaignId, userId, failures, labels, onSaveCard }: {
  column: Column; hiddenOnPhone: boolean; cards: Card[]; count: number; target: number | null; moreHref: string; canVerify: boolean; campaignId: number; userId: number;
  failures: Record<number, Failure>; labels: CardLabels; onSaveCard: (card: Card, values: Record<string, unknown>) => void;
}) {
  const { t } = labels;
  const { setNodeRef, isOver } = useDroppable({ id: column });
  const headingId = `col-${column}-title`;
  return (
    <section ref={setNodeRef} id={`col-${column}`} className={`inv-column${isOver ? " is-over" : ""}${hiddenOnPhone ? " is-hidden-phone" : ""}`} aria-labelledby={headingId} data-column={column}>
      <h2 id={headingId} className="inv-column-title" tabIndex={-1}>
        {t(`columns.${column}`)} <span className="badge" data-testid={`count-${column}`}>{count}</span>
        {target !== null ? <span className="muted inv-target"> · {t("board.target", { target })}</span> : null}
      </h2>
      {cards.length ? (
        <ul className="inv-cards">
          {cards.map((card) => {
            const canWork = canVerify || card.assigneeId === userId;
            return (
              <CardView
                key={card.id}
                card={card}
                canWork={canWork}
                canVerify={canVerify}
                openHref={canWork ? `/campaigns/${campaignId}/calls?invitation=${card.id}` : null}
                failure={failures[card.id]}
                labels={labels}
                onSave={onSaveCard}
              />
            );
          })}
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

const CardView = memo(function CardView({ card, canWork, canVerify, openHref, failure, labels, onSave }: {
  card: Card; canWork: boolean; canVerify: boolean; openHref: string | null; failure?: Failure; labels: CardLabels; onSave: (card: Card, values: Record<string, unknown>) => void;
}) {
  const { t } = labels;
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: card.id, data: { card }, disabled: !canWork });
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
    <li id={`card-${card.id}`} className={`inv-card${isDragging ? " is-dragging" : ""}${canWork ? "" : " is-read-only"}`} data-card-id={card.id} data-result={card.result} aria-labelledby={nameId} tabIndex={-1}>
      <div className="inv-card-head">
        {canWork ? (
          <button type="button" ref={setNodeRef} className="drag-handle" {...listeners} {...attributes} aria-label={t("board.moveCard", { name: card.name })}>
            <span aria-hidden="true">⠿</span>
          </button>
        ) : null}
        <strong id={nameId}>{card.name}</strong>
        {card.kind === "associated" ? <span className="badge">{t("kinds.associated")}</span> : null}
        {card.seat === "waitlisted" ? <span className="badge badge-warn" data-testid="card-waitlisted">{t("board.waitlisted")}</span> : null}
        {card.result === "yes" && !card.intentVerified ? <span className="badge badge-warn" data-testid="intent-unverified">{t("board.intentUnverified")}</span> : null}
        {/* a plain link: the card's page (history, every result form) needs no client routing */}
        {openHref ? <a className="inv-card-open" href={openHref} aria-label={t("board.openCard", { name: card.name })}>{t("board.open")}</a> : null}
        {/* 线索交叉: the two-tap interest page (a plain link, nothing added to the board's bundle) */}
        {canWork ? <a className="inv-card-open" href={`/leads/new?invitationId=${card.id}&source=board`} aria-label={t("leads:quick.for", { name: card.name })}>{t("leads:quick.link")}</a> : null}
      </div>
      <p className="inv-card-line">{[card.phone, vehicles].filter(Boolean).join(" · ")}</p>
      <p className="inv-card-line">
        {card.group ? <span className="badge">{t("common:groupLabel", { n: card.group })} · {t(`common:groups.${card.group}.name`)}</span> : null}
        {card.tier ? <span className="badge">{card.tier}</span> : null}
        <span className={`badge${short ? " badge-warn" : ""}`}>{t("board.attempts", { n: card.attempts })}</span>
      </p>
      <p className="inv-card-line muted">{notes}</p>
      {canWork
        ? <CardForm key={`${card.id}:${card.version}`} card={card} failure={failure} labels={labels} canVerify={canVerify} onSave={onSave} />
        : <p className="inv-card-line muted" data-testid="read-only">{t("board.readOnly")}</p>}
    </li>
  );
});

/**
 * A card's own form: pick an outcome and save. When the outcome needs its follow-up (a date,
 * a reason), the server answers with the errors and the card shows every field. Keyed by the
 * card and its version: after a save it starts empty.
 */
function CardForm({ card, failure, labels, canVerify, onSave }: {
  card: Card; failure?: Failure; labels: CardLabels; canVerify: boolean; onSave: (card: Card, values: Record<string, unknown>) => void;
}) {
  const { t } = labels;
  const selectId = `c${card.id}-outcome`;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = formDataToObject(new FormData(e.currentTarget));
    delete values.intent;
    onSave(card, values);
  };
  return (
    <>
      <form method="post" className="inv-card-form" onSubmit={submit} noValidate>
        <CardHidden intent="attempt" card={card} />
        {failure ? (
          <>
            <p className="form-error" role="alert">{t(failureMessage(failure) ?? "invitations:errors.required")}</p>
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
      {canVerify && card.result === "yes" && !card.intentVerified ? (
        <form method="post" className="inv-inline-form"><CardHidden intent="verify_intent" card={card} /><button type="submit" className="secondary">{t("form.verifyIntent")}</button></form>
      ) : null}
      {canVerify && card.result === "no" && !card.lossVerified ? (
        <form method="post" className="inv-inline-form"><CardHidden intent="verify_loss" card={card} /><button type="submit" className="secondary">{t("form.verifyLoss")}</button></form>
      ) : null}
    </>
  );
}

function MoveDialog({ move, timeZone, onCancel, onSave }: {
  move: PendingMove; timeZone: string; onCancel: (move: PendingMove) => void; onSave: (move: PendingMove, values: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation(["invitations", "common"]);
  const ref = useRef<HTMLDialogElement>(null);
  const [errors, setErrors] = useState<Record<string, string> | undefined>(move.errors);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // a form opened again after a refusal: straight to the field that was refused
    if (d && move.errors) d.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
    return () => d?.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const values = formDataToObject(new FormData(e.currentTarget));
    const refused = checkMove(move.to, values, localNow(timeZone));
    if (refused) {
      setErrors(refused);
      e.currentTarget.querySelector<HTMLElement>(`[name="${Object.keys(refused)[0]}"]`)?.focus();
      return;
    }
    onSave(move, values);
  };
  const titleId = "move-dialog-title";
  return (
    <dialog ref={ref} className="inv-dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); onCancel(move); }} data-testid="move-dialog">
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id={titleId}>{t("form.title", { name: move.card.name, column: t(`columns.${move.to}`) })}</h2>
        {errors?._form ? <p className="form-error" role="alert">{t(errors._form as "errors.required")}</p> : null}
        <ResultFields idPrefix="move" column={move.to} errors={errors} values={move.values} />
        <div className="inv-dialog-actions">
          <button type="submit">{t("form.save")}</button>
          <button type="button" className="secondary" onClick={() => onCancel(move)}>{t("form.cancel")}</button>
        </div>
      </form>
    </dialog>
  );
}
