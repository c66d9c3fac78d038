// Trims the quoted history mail clients append to replies ("On … wrote:", "-----Original Message-----",
// Outlook's From:/Sent: block, trailing "> " lines) and the signature after "-- ", so the thread shows
// what the customer actually wrote this time.

const CUT_LINE = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Am\b.{0,300}\bschrieb.{0,80}:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^El\b.{0,300}\bescribió:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{20,}\s*$/,
];

export function trimQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1].trim()}` : line;
    if (CUT_LINE.some((re) => re.test(line))) {
      end = i;
      break;
    }
    // "On Mon, 1 Jan 2024 at 10:00, Someone <a@b.c>\nwrote:" split over two lines.
    if (/^On\b/i.test(line) && /\bwrote:\s*$/i.test(joined) && !/\bwrote:\s*$/i.test(line)) {
      end = i;
      break;
    }
    if (/^From:\s.+/i.test(line) && lines.slice(i + 1, i + 4).some((l) => /^(Sent|Date):\s/i.test(l.trim()))) {
      end = i;
      break;
    }
    if (line === '--' && lines[i] === '-- ') {
      end = i;
      break;
    }
  }
  let kept = lines.slice(0, end);
  // Drop a trailing block of "> quoted" lines.
  while (kept.length && (kept[kept.length - 1].trim() === '' || kept[kept.length - 1].trimStart().startsWith('>'))) kept.pop();
  const result = kept.join('\n').trim();
  return result || text.trim();
}

/** The new text and the quoted history below it (null when there is none), for showing the history collapsed. */
export function splitQuoted(text: string): { text: string; quoted: string | null } {
  const whole = text.replace(/\r\n/g, '\n').trim();
  const kept = trimQuoted(whole);
  if (kept === whole || !whole.startsWith(kept)) return { text: kept, quoted: null };
  const quoted = whole.slice(kept.length).trim();
  return { text: kept, quoted: quoted ? quoted.slice(0, 20_000) : null };
}
