/** The event day's lists of values, without the schemas (and without zod), for the page's components. */
export const ORDER_LINES = ["M", "R", "I", "B"] as const;
export type OrderLine = (typeof ORDER_LINES)[number];
export const ORDER_KINDS = ["package", "deposit_converted", "new_booking"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];
