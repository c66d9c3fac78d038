// The agent app's CSAT wording (web/app/lib/csat.ts): answers on each scale in plain words, the
// normalized score of list rows and the contact panel, delays and averages, and the same faces and
// order as the customer's card (worker/csat/options.ts, worker/csat/scale.ts).
import { describe, expect, it } from 'vitest';
import { activityPhrase } from '../../web/app/lib/activity';
import { averageScore, delayText, DELAY_PRESETS, ratingPicture, rawText, scaleOptions, scoreText, scoreTone } from '../../web/app/lib/csat';
import { strings } from '../../worker/csat/i18n';
import { optionLabel } from '../../worker/csat/options';
import { normalize, SCALE_VALUES } from '../../worker/csat/scale';

describe('CSAT wording in the agent app', () => {
  it('words an answer as given on each scale', () => {
    expect(rawText('stars5', 4)).toBe('4 of 5 stars');
    expect(rawText('stars5', 1)).toBe('1 of 5 stars');
    expect(rawText('thumbs', 1)).toBe('Thumbs up');
    expect(rawText('thumbs', 0)).toBe('Thumbs down');
    expect(rawText('emoji5', 2)).toBe('Unhappy (2 of 5)');
    expect(ratingPicture('stars5', 3)).toBe('★★★☆☆');
    expect(ratingPicture('thumbs', 0)).toBe('👎');
    expect(ratingPicture('emoji5', 5)).toBe('😄');
  });

  it('offers the scale values the server accepts, with the faces the customer sees', () => {
    for (const scale of ['stars5', 'thumbs', 'emoji5'] as const) {
      const opts = scaleOptions(scale);
      expect(opts.map((o) => o.value)).toEqual([...SCALE_VALUES[scale]]);
      if (scale !== 'stars5') expect(opts.map((o) => o.face)).toEqual(SCALE_VALUES[scale].map((raw) => optionLabel(scale, raw, strings('en')).face));
      // The labels a manager reads agree with the customer's English labels on the direction of the answer.
      expect(new Set(opts.map((o) => o.label)).size).toBe(opts.length);
    }
  });

  it('words a normalized score and its tone; a thumbs answer reads as its normalized score', () => {
    expect(scoreText(4)).toBe('4 of 5');
    expect(scoreText(4.25)).toBe('4.3 of 5');
    expect(scoreText(normalize('thumbs', 1))).toBe('5 of 5');
    expect([1, 2, 3, 4, 5].map(scoreTone)).toEqual(['low', 'low', 'mid', 'good', 'good']);
  });

  it('words delays without units a person has to convert', () => {
    expect(DELAY_PRESETS.map(delayText)).toEqual(['Right away', '5 minutes', '15 minutes', '30 minutes', '1 hour', '2 hours', '4 hours', '1 day', '2 days', '7 days']);
    expect(delayText(90)).toBe('1 hour 30 minutes');
    expect(delayText(1)).toBe('1 minute');
  });

  it('averages rated conversations only', () => {
    expect(averageScore([null, undefined])).toBeNull();
    expect(averageScore([5, null, 4])).toEqual({ average: 4.5, count: 2 });
    expect(averageScore([1, 2, 2])).toEqual({ average: 1.7, count: 3 });
  });

  it('folds a rating into an activity summary by its normalized score', () => {
    const look = { user: (id: string) => id, team: () => null };
    expect(activityPhrase('csat.submitted', { score: 4, raw: 4, scale: 'emoji5', source: 'manual' }, 'u1', look)).toBe('rated 4 of 5');
    expect(activityPhrase('csat.submitted', {}, null, look)).toBe('rated');
  });
});
