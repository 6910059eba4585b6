/**
 * The invitation page's forms (邀请函, issue 13; browser-safe: zod only). Messages are i18n keys
 * in the invite namespace. FormData values are strings: the number of companions is coerced here.
 */
import { z } from "zod";
import type { LossReason } from "./invitation.constants";
import { CUSTOMER_LOSS_REASONS, INVITE_RESPONSES, MAX_COMPANIONS, MAX_INVITE_NOTE, type InviteResponse } from "./invite.constants";

export { CUSTOMER_LOSS_REASONS, INVITE_RESPONSES, MAX_COMPANIONS, MAX_INVITE_NOTE, type InviteResponse } from "./invite.constants";

const raw = z.union([z.string(), z.number(), z.null()]).optional().transform((v) => (v === undefined || v === null ? "" : String(v).trim()));

export const InviteFormSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("respond"),
    response: raw.transform((v, ctx) => {
      if (!(INVITE_RESPONSES as readonly string[]).includes(v)) {
        ctx.addIssue({ code: "custom", message: "invite:errors.response" });
        return z.NEVER;
      }
      return v as InviteResponse;
    }),
    companions: raw.transform((v, ctx) => {
      if (v === "") return null;
      if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_COMPANIONS) {
        ctx.addIssue({ code: "custom", message: "invite:errors.companions" });
        return z.NEVER;
      }
      return Number(v);
    }),
    note: raw.transform((v, ctx) => {
      if (v.length > MAX_INVITE_NOTE) {
        ctx.addIssue({ code: "custom", message: "invite:errors.note" });
        return z.NEVER;
      }
      return v === "" ? null : v;
    }),
    lossReason: raw.transform((v, ctx) => {
      if (v === "") return null;
      if (!(CUSTOMER_LOSS_REASONS as readonly string[]).includes(v)) {
        ctx.addIssue({ code: "custom", message: "invite:errors.reason" });
        return z.NEVER;
      }
      return v as LossReason;
    }),
  }),
  z.object({ intent: z.literal("opt_out") }),
], { error: () => "invite:errors.response" });
export type InviteFormInput = z.output<typeof InviteFormSchema>;
export type InviteAnswer = Extract<InviteFormInput, { intent: "respond" }>;
