/**
 * How many conversations one bulk call may touch, by ids or by "select all N matching". One
 * constant for the route's validation and the app's chunking and wording, so the two cannot drift.
 */
export const BULK_LIMIT = 1000;
