/** The hidden fields of every form about one card: what it does, which card, the version it was read at. */
export function CardHidden({ intent, card }: { intent: string; card: { id: number; version: number } }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="invitationId" value={card.id} />
      <input type="hidden" name="version" value={card.version} />
    </>
  );
}
