// One answer of a scale as the customer sees it: its face and its words in the customer's language.
// A module of its own (no storage types) so the agent app's settings preview draws the same card.
import type { Strings } from './i18n';
import type { Scale } from './scale';

export const EMOJI = ['😞', '🙁', '😐', '🙂', '😄'];

export function optionLabel(scale: Scale, raw: number, t: Strings): { face: string; label: string } {
  if (scale === 'thumbs') return { face: raw === 1 ? '👍' : '👎', label: t.scoreLabels.thumbs[raw] };
  if (scale === 'emoji5') return { face: EMOJI[raw - 1], label: t.scoreLabels.emoji[raw - 1] };
  return { face: '★'.repeat(raw), label: t.scoreLabels.stars.replace('{n}', String(raw)) };
}
