/**
 * Who may do what, and where: the one module that answers it (browser-safe, pure). Models
 * refuse with these rules, the session helpers guard with them, loaders hand their answers to
 * the page as `can*` flags — JSX never reads a role.
 *
 * Roles (domain brief): staff work the cards and tasks assigned to them and see phone numbers
 * masked; managers run their store (plans, approvals, segments, imports, settings, exports);
 * a group admin is a manager of every store and may switch the active store.
 */
import type { Role } from "./domain";

/** The person asking: a signed-in user (or a model's `actor`). */
export interface Viewer {
  id: number;
  role: Role;
}

/** Managers and group admins (everything but staff). The staff/manager rule, written once. */
export const canManage = (viewer: Pick<Viewer, "role">): boolean => viewer.role !== "staff";

/** A group admin: every store, the store switch. */
export const isGroupAdmin = (viewer: Pick<Viewer, "role">): boolean => viewer.role === "admin";

/** Phone numbers in full (staff see 138****5678). */
export const canSeePhones = canManage;

/** Staff (not a manager): the people a manager assigns cards to by default. */
export const isStaff = (viewer: Pick<Viewer, "role">): boolean => !canManage(viewer);

/** An invitation card: managers, or the staff member it is assigned to. */
export const canWorkCard = (viewer: Viewer, card: { assigneeId: number | null }): boolean => canManage(viewer) || card.assigneeId === viewer.id;

/** A checklist task: managers, or its owner. */
export const canChangeTask = (viewer: Viewer, task: { ownerId: number | null }): boolean => canManage(viewer) || task.ownerId === viewer.id;

/** Approving or returning a plan: a manager other than its author, or a group admin. */
export const canApproveOwnPlan = (viewer: Viewer, plan: { authorId: number }): boolean => isGroupAdmin(viewer) || viewer.id !== plan.authorId;

/** The stores a user may work in: a group admin every store, anyone else their own. */
export const canSeeAllStores = isGroupAdmin;

/** The store a session works in: a group admin's chosen store, anyone else's own. */
export function activeStoreId(user: { role: Role; storeId: number }, chosen: number | null | undefined): number {
  return isGroupAdmin(user) && chosen ? chosen : user.storeId;
}

/** 13812345678 → 138****5678 (what staff see). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****";
}

/** A phone number as this viewer may see it. */
export const phoneFor = (viewer: Pick<Viewer, "role">, phone: string | null): string | null => (canSeePhones(viewer) ? phone : maskPhone(phone));

/** The page flags every signed-in page may read (the layout's navigation, the lists' buttons). */
export const viewerFlags = (viewer: Pick<Viewer, "role">) => ({ canManage: canManage(viewer), canSeeAllStores: canSeeAllStores(viewer) });
