/**
 * The board bench's load generator in its own process (autocannon), started at a lower CPU
 * priority (nice 10) than the app server and the card mover: on one 2-core machine the load
 * generator's own work (parsing 20 connections of 100 KB pages) would otherwise be taken from
 * the server it measures, which real clients — staff phones and tablets — never do. The floor
 * and the board are loaded the same way, so their ratio stays a like-for-like comparison.
 * Argument: a JSON object { url, connections, duration, headers }. Prints
 * { times, non2xx, total, average } as JSON (times: the latency of every response, ms).
 */
import autocannon from "autocannon";

const { url, connections, duration, headers } = JSON.parse(process.argv[2]);
const times = [];
let non2xx = 0;
const run = autocannon({ url, connections, duration, headers });
run.on("response", (_client, status, _bytes, ms) => {
  times.push(ms);
  if (status < 200 || status > 299) non2xx += 1;
});
const result = await run;
process.stdout.write(JSON.stringify({ times, non2xx, total: result.requests.total, average: result.requests.average }));
