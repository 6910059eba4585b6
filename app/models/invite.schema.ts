/**
 * The invitation page's forms (邀请函, issue 13; browser-safe: zod only). Messages are i18n keys
 * in the invite namespace. FormData values are strings: the number of companions is coerced here.
 */
import { z } from "zod";
import type { LossReason } from "./invitation.constants";
import { CUSTOMER_LOSS_REASONS, INVITE_RESPONSES, MAX_COMPANIONS, MAX_INVITE_NOTE, type InviteResponse } from "./invite.constants";

export { CUSTOMER_LOSS_REASONS, INVITE_RESPONSES, MAX_COMPANIONS, MAX_INVITE_NOTE, type InviteResponse } from "./invite.constants";

import { choice, optional, raw, wholeNumber } from "./fields";

export const InviteFormSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("respond"),
    response: choice(INVITE_RESPONSES, { required: "invite:errors.response", message: "invite:errors.response" }),
    companions: wholeNumber({ ...optional, min: 0, max: MAX_COMPANIONS, message: "invite:errors.companions" }),
    note: raw.transform((v, ctx) => {
      if (v.length > MAX_INVITE_NOTE) {
        ctx.addIssue({ code: "custom", message: "invite:errors.note" });
        return z.NEVER;
      }
      return v === "" ? null : v;
    }),
    lossReason: choice(CUSTOMER_LOSS_REASONS, { ...optional, message: "invite:errors.reason" }).transform((v): LossReason | null => v),
  }),
  z.object({ intent: z.literal("opt_out") }),
], { error: () => "invite:errors.response" });
export type InviteFormInput = z.output<typeof InviteFormSchema>;
export type InviteAnswer = Extract<InviteFormInput, { intent: "respond" }>;
