// A conversation's customer rating in a row (conversation list, contact panel, contact profile): the answer
// as the customer gave it — a thumb, a face, stars — when the row knows it, else the normalized score as
// stars. A thumbs-up is a thumb, not "5 of 5".
import { rawText, scoreText, scoreTone } from '../lib/csat';
import { EMOJI } from '../../../worker/csat/options';

export function CsatBadge({ score, scale, raw }: { score: number; scale?: 'stars5' | 'thumbs' | 'emoji5' | null; raw?: number | null }) {
  const known = scale != null && raw != null;
  const words = known ? rawText(scale, raw) : scoreText(score);
  const picture = !known || scale === 'stars5' ? `★ ${Number.isInteger(score) ? score : score.toFixed(1)}` : scale === 'thumbs' ? (raw === 1 ? '👍' : '👎') : (EMOJI[raw - 1] ?? `★ ${score}`);
  return (
    <span class={`row-csat tone-${scoreTone(score)}`} title={`Customer rating: ${words}`}>
      <span aria-hidden="true">{picture}</span>
      <span class="sr-only">, customer rating {words}</span>
    </span>
  );
}
