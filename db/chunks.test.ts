/** Lists of ids fed by a request: queried in slices, so no engine's limit on bound parameters is reachable. */
import { describe, expect, it } from "vitest";
import { createTestDb } from "../tests/helpers/test-db";
import { makeStore } from "../tests/helpers/factories";
import { InvitationsAdminSchema } from "~/models/invitation.schema";
import { SegmentDefinitionSchema } from "~/models/segment.schema";
import { parseObject } from "~/utils/form";
import { MAX_IDS } from "~/utils/limits";
import { IN_LIST_CHUNK, inChunks } from "./dialect";

describe("IN lists", () => {
  it("40,000 ids (past SQLite's 32,766 parameters) are read in slices on either engine", async () => {
    const db = await createTestDb();
    try {
      const store = await makeStore(db);
      const ids = Array.from({ length: 40_000 }, (_, i) => i + 1);
      let queries = 0;
      const rows = await inChunks(ids, (chunk) => {
        queries++;
        return db.selectFrom("stores").select("id").where("id", "in", chunk).execute();
      });
      expect(rows.map((r) => r.id)).toEqual([store.id]);
      expect(queries).toBe(40_000 / IN_LIST_CHUNK);
    } finally {
      await db.destroy();
    }
  });

  it("a selection of cards or people is bounded by its schema", () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => String(i + 1));
    const reassign = parseObject(InvitationsAdminSchema, { intent: "reassign", invitationIds: ids, assigneeId: "1" });
    expect(reassign.ok).toBe(false);
    expect(!reassign.ok && reassign.errors.invitationIds).toBe("invitations:errors.tooManySelected");
    expect(parseObject(InvitationsAdminSchema, { intent: "reassign", invitationIds: ids.slice(0, MAX_IDS), assigneeId: "1" }).ok).toBe(true);
    const assign = parseObject(InvitationsAdminSchema, { intent: "assign", roundId: "1", staffIds: ids });
    expect(!assign.ok && assign.errors.staffIds).toBe("invitations:errors.tooManySelected");
  });

  it("a segment condition's choices drop repeats and are bounded", () => {
    const many = parseObject(SegmentDefinitionSchema, { conditions: [{ kind: "group", values: Array(40_000).fill("3") }] });
    expect(many.ok && many.data.conditions[0]).toEqual({ kind: "group", values: [3] });
    const models = Array.from({ length: 51 }, (_, i) => `M${i}`);
    expect(parseObject(SegmentDefinitionSchema, { conditions: [{ kind: "model", values: models }] }).ok).toBe(false);
    expect(parseObject(SegmentDefinitionSchema, { conditions: [{ kind: "model", values: models.slice(0, 50) }] }).ok).toBe(true);
  });
});
