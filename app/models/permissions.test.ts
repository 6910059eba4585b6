import { describe, expect, it } from "vitest";
import { activeStoreId, canApproveOwnPlan, canChangeTask, canManage, canSeeAllStores, canSeePhones, canWorkCard, isStaff, maskPhone, phoneFor } from "./permissions";

const staff = { id: 1, role: "staff" as const };
const manager = { id: 2, role: "manager" as const };
const admin = { id: 3, role: "admin" as const };

describe("permissions", () => {
  it("lets managers and group admins manage, not staff", () => {
    expect([staff, manager, admin].map(canManage)).toEqual([false, true, true]);
    expect([staff, manager, admin].map(isStaff)).toEqual([true, false, false]);
    expect([staff, manager, admin].map(canSeeAllStores)).toEqual([false, false, true]);
  });

  it("lets staff work only their own cards and tasks", () => {
    expect(canWorkCard(staff, { assigneeId: 1 })).toBe(true);
    expect(canWorkCard(staff, { assigneeId: 9 })).toBe(false);
    expect(canWorkCard(staff, { assigneeId: null })).toBe(false);
    expect(canWorkCard(manager, { assigneeId: 9 })).toBe(true);
    expect(canChangeTask(staff, { ownerId: 1 })).toBe(true);
    expect(canChangeTask(staff, { ownerId: 2 })).toBe(false);
    expect(canChangeTask(manager, { ownerId: null })).toBe(true);
  });

  it("keeps a manager from approving their own plan, not a group admin", () => {
    expect(canApproveOwnPlan(manager, { authorId: 2 })).toBe(false);
    expect(canApproveOwnPlan(manager, { authorId: 5 })).toBe(true);
    expect(canApproveOwnPlan(admin, { authorId: 3 })).toBe(true);
  });

  it("keeps everyone but a group admin in their own store", () => {
    expect(activeStoreId({ role: "manager", storeId: 4 }, 7)).toBe(4);
    expect(activeStoreId({ role: "staff", storeId: 4 }, 7)).toBe(4);
    expect(activeStoreId({ role: "admin", storeId: 4 }, 7)).toBe(7);
    expect(activeStoreId({ role: "admin", storeId: 4 }, null)).toBe(4);
  });

  it("masks phones for staff only", () => {
    expect(canSeePhones(staff)).toBe(false);
    expect(phoneFor(staff, "13812345678")).toBe("138****5678");
    expect(phoneFor(manager, "13812345678")).toBe("13812345678");
    expect(phoneFor(staff, null)).toBeNull();
    expect(maskPhone("12345")).toBe("****");
  });
});
