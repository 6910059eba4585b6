/**
 * The card mover of the board bench, in its own process: the load generator (autocannon, 20
 * connections of 100 KB pages) keeps its own event loop busy, and a move timed there would
 * count that wait as the server's. Moves cards one after another, one every `everyMs` at most
 * (default 100: ten moves a second, twenty staff each moving a card every two seconds — a probe,
 * not a second load: unpaced, the moves themselves changed the board's data dozens of times a
 * second), until `stopAt` (ms since the epoch), and prints { times, refused } as JSON.
 * Arguments: a JSON object { url, campaignId, cookie, ids, stopAt, targets, everyMs }.
 */
const { url, campaignId, cookie, ids, stopAt, targets, everyMs = 100 } = JSON.parse(process.argv[2]);
const versions = new Map();
const times = [];
let refused = 0;
for (let k = 0; Date.now() < stopAt; k++) {
  const id = ids[(k * 37) % ids.length];
  if (!versions.has(id)) versions.set(id, 1);
  const t = performance.now();
  const res = await fetch(`${url}/campaigns/${campaignId}/board/move`, {
    method: "POST", headers: { cookie, Origin: url, "Content-Type": "application/json" },
    body: JSON.stringify({ invitationId: id, version: versions.get(id), ...targets[k % targets.length] }),
  });
  const body = await res.json();
  times.push(performance.now() - t);
  if (body.card) versions.set(id, body.card.version);
  if (!body.ok) refused += 1;
  const rest = everyMs - (performance.now() - t);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
}
process.stdout.write(JSON.stringify({ times, refused }));
