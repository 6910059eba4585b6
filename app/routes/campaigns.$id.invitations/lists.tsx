import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CardHidden } from "~/components/board/card-hidden";
import { useFormat } from "~/utils/use-format";
import type { Data } from "./route";

/** A manager's one-click check of a card, named with the customer for screen readers. */
function VerifyButton({ intent, card, label }: { intent: "verify_intent" | "verify_loss"; card: { id: number; version: number; name: string }; label: string }) {
  return (
    <Form method="post" className="inv-inline-form">
      <CardHidden intent={intent} card={card} />
      <button type="submit" className="secondary" aria-label={`${label} ${card.name}`}>{label}</button>
    </Form>
  );
}

/** Manager joins, intents and losses waiting for a manager's check. */
export function VerifyLists({ data }: { data: Data }) {
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  return (
    <div className="inv-grid">
      <section className="panel" aria-labelledby="joins-title">
        <h2 id="joins-title">{t("admin.lists.managerJoins")}</h2>
        {data.lists.managerJoins.length ? (
          <ul>{data.lists.managerJoins.map((card) => <li key={card.id}>{card.name} · {card.phone} · {f.date(card.nextFollowUp)} · {card.assigneeName ?? "—"}</li>)}</ul>
        ) : <p className="muted">{t("admin.lists.none")}</p>}
      </section>
      <section className="panel" aria-labelledby="intents-title" data-testid="intents-to-verify">
        <h2 id="intents-title">{t("admin.lists.intents")}</h2>
        {data.lists.intentsToVerify.length ? (
          <ul>
            {data.lists.intentsToVerify.map((card) => (
              <li key={card.id} data-card-id={card.id}>
                {card.name} · {card.phone} · {card.depositFen ? f.money(card.depositFen) : t("admin.lists.noDeposit")} · {card.assigneeName ?? "—"}{" "}
                <VerifyButton intent="verify_intent" card={card} label={t("form.verifyIntent")} />
              </li>
            ))}
          </ul>
        ) : <p className="muted">{t("admin.lists.none")}</p>}
      </section>
      <section className="panel" aria-labelledby="losses-title">
        <h2 id="losses-title">{t("admin.lists.losses")}</h2>
        {data.lists.lossesToVerify.length ? (
          <ul>
            {data.lists.lossesToVerify.map((card) => (
              <li key={card.id}>
                {card.name} · {card.lossReason ? t(`lossReasons.${card.lossReason}`) : ""} · {card.assigneeName ?? "—"}{" "}
                <VerifyButton intent="verify_loss" card={card} label={t("form.verifyLoss")} />
              </li>
            ))}
          </ul>
        ) : <p className="muted">{t("admin.lists.none")}</p>}
      </section>
    </div>
  );
}
