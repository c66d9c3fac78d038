// CSV for the analytics export (RFC 4180): quoted where needed, and text cells that a spreadsheet would
// run as a formula (=, +, -, @, tab, CR first) are prefixed with an apostrophe, since names come from users.
// csvStream pulls rows a page at a time, so a 100k-row export never sits in memory whole.

export type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A stream of CSV text: the header, then whatever `next` yields page by page (an empty page ends it).
 * Each pull asks for one page only, so the reader's pace sets how much is fetched.
 */
export function csvStream(header: readonly string[], next: () => Promise<Cell[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine(header)));
        return;
      }
      const rows = await next();
      if (rows.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(rows.map(csvLine).join('')));
    },
  });
}

/** Lines already rendered (a small report: one row per figure, agent or bucket), as a stream. */
export function linesStream(lines: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= lines.length) controller.close();
      else controller.enqueue(encoder.encode(lines.slice(i, (i += 200)).join('')));
    },
  });
}
