/**
 * A dispatcher in its own process (the kill -9 test): sends what is due on DATABASE_URL through
 * the http sender, with the lease from MESSAGE_LEASE_MS, then exits.
 */
import { createDb } from "#db/client";
import { dispatchOnce } from "~/models/outbox.server";
import { httpSender } from "~/models/outbox-senders.server";

const db = createDb(process.env.DATABASE_URL!);
const sender = httpSender({ url: process.env.SMS_WEBHOOK_URL!, secret: process.env.SMS_WEBHOOK_SECRET! });
console.log("ready");
const s = await dispatchOnce(db, { sender, leaseMs: Number(process.env.MESSAGE_LEASE_MS ?? 60_000), worker: `child:${process.pid}` });
console.log(JSON.stringify(s));
await db.destroy();
