import { describe, expect, it } from "vitest";
import { parseObject } from "~/utils/form";
import { ExecutionAction } from "./execution.schema";

describe("event-day forms", () => {
  it("an order or deposit without a guest asks to choose the guest (not 'unknown item')", () => {
    for (const intent of ["order", "deposit"]) {
      const r = parseObject(ExecutionAction, { intent, arrivalId: "", line: "M", description: "保养", amount: "100", kind: "package" });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.arrivalId).toBe("execution:errors.chooseArrival");
    }
    const bad = parseObject(ExecutionAction, { intent: "order", arrivalId: "x1", line: "M", description: "保养", amount: "100", kind: "package" });
    expect(bad.ok ? null : bad.errors.arrivalId).toBe("execution:errors.id");
  });

  it("a new walk-in needs a name and a phone; an existing customer needs neither", () => {
    const r = parseObject(ExecutionAction, { intent: "walkin", customerId: "", name: "", phone: "" });
    expect(r.ok ? null : r.errors).toEqual({ name: "execution:errors.required", phone: "execution:errors.phoneRequired" });
    expect(parseObject(ExecutionAction, { intent: "walkin", customerId: "12", name: "", phone: "" }).ok).toBe(true);
  });
});
