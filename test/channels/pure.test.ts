// Pure pieces of the channel layer: SMS segment counting, backoff, quoted-history trimming and the
// e-mail HTML sanitizer.
import { describe, expect, it } from 'vitest';
import { segmentCount } from '../../worker/channels/segments';
import { backoffSeconds } from '../../worker/delivery/backoff';
import { trimQuoted } from '../../worker/email/quote';
import { sanitizeHtml } from '../../worker/email/sanitize';

describe('SMS segments', () => {
  it('GSM-7: 160 in one part, 153 per part after that; extension characters count twice', () => {
    expect(segmentCount('')).toMatchObject({ segments: 0 });
    expect(segmentCount('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160, remaining: 0 });
    expect(segmentCount('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 });
    expect(segmentCount('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(segmentCount('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(segmentCount('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(segmentCount('{'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
    // An escape pair never splits: 152 plain + one € does not fit in the first 153-septet part.
    expect(segmentCount('a'.repeat(152) + '€' + 'a'.repeat(153))).toMatchObject({ units: 307, segments: 3 });
    expect(segmentCount('Ünïcödé? Nö: ÄÖÑÜ ok')).toMatchObject({ encoding: 'UCS-2' });
    expect(segmentCount('¿Tienen cuna para bebé? Ñoño à 3€')).toMatchObject({ encoding: 'GSM-7' });
  });

  it('UCS-2 as soon as one character is outside GSM-7: 70 / 67, surrogate pairs kept whole', () => {
    expect(segmentCount('Hello 👋')).toMatchObject({ encoding: 'UCS-2', units: 8, segments: 1, nonGsmCharacters: ['👋'] });
    expect(segmentCount('ç'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(segmentCount('ç'.repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    expect(segmentCount('ç'.repeat(134))).toMatchObject({ segments: 2, remaining: 0 });
    expect(segmentCount('x'.repeat(66) + '😀' + 'x')).toMatchObject({ units: 69, segments: 1 });
    expect(segmentCount('x'.repeat(66) + '😀' + 'x'.repeat(4))).toMatchObject({ units: 72, segments: 2 });
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter inside [exp/2, exp], capped, at least one second', () => {
    expect(backoffSeconds(1, { random: () => 0 })).toBe(1);
    expect(backoffSeconds(4, { random: () => 0 })).toBe(4);
    expect(backoffSeconds(4, { random: () => 1 })).toBe(8);
    expect(backoffSeconds(30, { random: () => 1 })).toBe(300);
    const seen = new Set(Array.from({ length: 50 }, () => backoffSeconds(6)));
    expect(seen.size).toBeGreaterThan(3);
    for (const s of seen) expect(s >= 16 && s <= 32).toBe(true);
  });
});

describe('e-mail text and HTML', () => {
  it('trims quoted history and signatures, keeps what was written', () => {
    expect(trimQuoted('Thanks, that works!\n\nOn Mon, 1 Jan 2024 at 10:00, Casa Azul <hi@casa.test> wrote:\n> Check-in is at 3pm.\n> Best')).toBe('Thanks, that works!');
    expect(trimQuoted('Great.\n\nOn Mon, 1 Jan 2024 at 10:00, Casa Azul <hi@casa.test>\nwrote:\n> old')).toBe('Great.');
    expect(trimQuoted('See below\n\n-----Original Message-----\nFrom: x')).toBe('See below');
    expect(trimQuoted('Ok\n\nFrom: Casa Azul <hi@casa.test>\nSent: Monday\nSubject: Re: stay')).toBe('Ok');
    expect(trimQuoted('Merci\n\nLe lun. 1 janv. 2024 à 10:00, Casa <a@b.c> a écrit :\n> x')).toBe('Merci');
    expect(trimQuoted('Ja\n-- \nMaria\nCEO')).toBe('Ja');
    expect(trimQuoted('> only quoted')).toBe('> only quoted');
    expect(trimQuoted('Line one\n> inline quote\nmy answer')).toBe('Line one\n> inline quote\nmy answer');
  });

  it('sanitizes HTML: no scripts, handlers, styles, frames or javascript: links', async () => {
    const dirty = `<div onclick="steal()"><script>alert(1)</script><style>body{}</style><p style="x" class="y">Hi <b>there</b></p>
      <a href="javascript:alert(1)">bad</a><a href="https://casa.test/x">good</a><img src="cid:logo" onerror="x()"><iframe src="https://evil"></iframe>
      <form action="/x"><input name="p"></form><svg><script>1</script></svg><!-- secret --><custom-tag>kept text</custom-tag></div>`;
    const clean = await sanitizeHtml(dirty);
    expect(clean).not.toMatch(/script|onclick|onerror|style|iframe|<form|<input|javascript:|secret|<svg|class=/i);
    expect(clean).toContain('<p>Hi <b>there</b></p>');
    expect(clean).toContain('<a href="https://casa.test/x" target="_blank" rel="noopener noreferrer nofollow">good</a>');
    expect(clean).toContain('<a target="_blank" rel="noopener noreferrer nofollow">bad</a>');
    expect(clean).toContain('<img src="cid:logo">');
    expect(clean).toContain('kept text');
  });
});
