// Pure: how the app folds two copies of one message (no DOM, so tests import it directly).
import { nextDeliveryStatus } from '../../../worker/conversations/delivery-status';
import type { ThreadMessage } from '../lib/types';

/**
 * The same message seen twice (the send's HTTP answer and its socket event, a catch-up): the newer
 * copy wins, except that delivery status only moves forward — a reply sent in 30 ms has its `sent`
 * receipt on the socket before the POST that queued it answers with `queued`.
 */
export function mergeMessage(known: ThreadMessage, incoming: ThreadMessage): ThreadMessage {
  const merged = { ...known, ...incoming, attachments: mergeUrls(incoming.attachments, known.attachments) };
  if (nextDeliveryStatus(known.status, incoming.status) === null && known.status !== incoming.status) {
    merged.status = known.status;
    merged.statusReason = known.statusReason;
  }
  return merged;
}

function mergeUrls(next: ThreadMessage['attachments'], prev: ThreadMessage['attachments']): ThreadMessage['attachments'] {
  return next.map((a) => ({ ...a, url: a.url ?? prev.find((p) => p.key === a.key)?.url }));
}
