/** The event day's lists of values, without the schemas (and without zod), for the page's components. */
export const ORDER_LINES = ["M", "R", "I", "B"] as const;
export const ORDER_KINDS = ["package", "deposit_converted", "new_booking"] as const;
