// CSAT scales and what a score means on each. Every response is kept as given (raw) and normalized
// to 1–5, so one average covers workspaces (or periods) with different scales: thumbs down is 1, up is 5.
import type { ConversationCsat } from '../conversations/model';

export const SCALES = ['stars5', 'thumbs', 'emoji5'] as const;
export type Scale = (typeof SCALES)[number];

/** The raw values a scale accepts, in display order. */
export const SCALE_VALUES: Record<Scale, readonly number[]> = {
  stars5: [1, 2, 3, 4, 5],
  emoji5: [1, 2, 3, 4, 5],
  thumbs: [0, 1],
};

/** Why `raw` is not a score on `scale`, or null when it is. */
export function scoreProblem(scale: Scale, raw: unknown): string | null {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || !SCALE_VALUES[scale].includes(raw)) {
    return scale === 'thumbs' ? 'must be 0 (thumbs down) or 1 (thumbs up) on this survey' : 'must be an integer from 1 to 5 on this survey';
  }
  return null;
}

export function normalize(scale: Scale, raw: number): number {
  return scale === 'thumbs' ? (raw === 1 ? 5 : 1) : raw;
}

export function csatOf(scale: Scale, raw: number, comment: string | null, at: number, source: ConversationCsat['source']): ConversationCsat {
  return { score: normalize(scale, raw), raw, scale, comment, at, source };
}
