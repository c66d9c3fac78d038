// Deduplication of the personal feed: news of the same kind about the same conversation within a short
// window is one notification (three quick customer messages, or an assignment that arrives both from
// routing and a retry), updated to the latest words rather than stacked.

/** Also the app's window for folding a live frame with the poll that repeats it (web/app/state/notify.ts). */
export const DEDUPE_WINDOW_MS = 2 * 60_000;

export interface FeedEntry {
  kind: string;
  conversationId: string | null;
  at: number;
  readAt: number | null;
}

/** Whether `next` folds into `previous` (an unread entry of the same kind and conversation, recent enough). */
export function foldsInto(previous: FeedEntry, next: { kind: string; conversationId: string | null; at: number }): boolean {
  return previous.readAt === null && previous.conversationId !== null && previous.kind === next.kind && previous.conversationId === next.conversationId && next.at - previous.at < DEDUPE_WINDOW_MS && next.at >= previous.at;
}
