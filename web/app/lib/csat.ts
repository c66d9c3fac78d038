// How the agent app words a customer rating (CSAT, worker/csat): the list row and the contact panel
// only know the score normalized to 1–5, the thread knows the answer as given on its scale. Plain
// English for the team (the customer's own card is localized by the server); the faces are the
// customer's card's (worker/csat/options.ts), so both sides picture the same thing.
import type { ConversationCsat } from '../../../worker/conversations/model';
import { EMOJI } from '../../../worker/csat/options';
import { SCALE_VALUES } from '../../../worker/csat/scale';

export type Scale = ConversationCsat['scale'];

export const SCALE_NAMES: Record<Scale, string> = { stars5: 'Stars, 1 to 5', thumbs: 'Thumbs up or down', emoji5: 'Faces, 1 to 5' };

const FACE_WORDS = ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy'];

export interface RatingOption {
  value: number;
  face: string;
  label: string;
}

/** The answers a scale offers, in the order the customer sees them. */
export function scaleOptions(scale: Scale): RatingOption[] {
  return SCALE_VALUES[scale].map((raw) => ({ value: raw, face: faceOf(scale, raw), label: rawText(scale, raw) }));
}

function faceOf(scale: Scale, raw: number): string {
  if (scale === 'thumbs') return raw === 1 ? '👍' : '👎';
  if (scale === 'emoji5') return EMOJI[raw - 1] ?? '';
  return '★';
}

/** An answer as given: "4 of 5 stars", "Thumbs up", "Happy (4 of 5)". */
export function rawText(scale: Scale, raw: number): string {
  if (scale === 'thumbs') return raw === 1 ? 'Thumbs up' : 'Thumbs down';
  if (scale === 'emoji5') return `${FACE_WORDS[raw - 1] ?? raw} (${raw} of 5)`;
  return `${raw} of 5 stars`;
}

/** The answer's picture: five stars filled to the score, a thumb, a face. */
export function ratingPicture(scale: Scale, raw: number): string {
  if (scale === 'stars5') return '★'.repeat(raw) + '☆'.repeat(Math.max(0, 5 - raw));
  return faceOf(scale, raw);
}

/** A normalized 1–5 score (list rows, contact panel): "4 of 5"; one decimal for an average. */
export function scoreText(score: number): string {
  const n = Number.isInteger(score) ? String(score) : score.toFixed(1);
  return `${n} of 5`;
}

/** Low, middling or good: the colour a score is shown in (1–2, 3, 4–5). */
export function scoreTone(score: number): 'low' | 'mid' | 'good' {
  return score < 2.5 ? 'low' : score < 3.5 ? 'mid' : 'good';
}

/** "Delay before sending" wording for a number of minutes: "Right away", "30 minutes", "1 hour", "2 days". */
export function delayText(minutes: number): string {
  if (minutes <= 0) return 'Right away';
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return unit(minutes / 1440, 'day');
  if (minutes % 60 === 0) return unit(minutes / 60, 'hour');
  if (minutes > 60) return `${unit(Math.floor(minutes / 60), 'hour')} ${unit(minutes % 60, 'minute')}`;
  return unit(minutes, 'minute');
}

/** The delays offered in settings (minutes); a saved value outside them is offered too. */
export const DELAY_PRESETS = [0, 5, 15, 30, 60, 120, 240, 1440, 2880, 10080];

/** Average of the rated conversations (normalized scores), or null without any. */
export function averageScore(scores: (number | null | undefined)[]): { average: number; count: number } | null {
  const rated = scores.filter((s): s is number => typeof s === 'number');
  if (!rated.length) return null;
  return { average: Math.round((rated.reduce((a, b) => a + b, 0) / rated.length) * 10) / 10, count: rated.length };
}
