// Where the CSV is inside an upload that was streamed to R2 as it came. A text/csv body is the CSV
// itself; a multipart/form-data body holds it as the part named `file`, among small fields (`mapping`).
// Only the first and last WINDOW bytes of the stored object are read (two range reads): the file part
// starts near the beginning and ends near the end, whatever its size, so the upload is never in memory.
//
// Hand-written rather than a multipart library: those parse a stream from its start to its end, which
// is exactly the buffering (or a second full pass over R2) this avoids; what is needed here is only
// where the parts begin and end, in two windows, with the boundary the request declared (RFC 7578).

export const WINDOW = 256 * 1024;

export interface Segment {
  /** Absolute offset of bytes[0] in the object. */
  start: number;
  bytes: Uint8Array;
}

export interface FormLayout {
  file: { start: number; end: number } | null;
  fields: Record<string, string>;
}

export class UploadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The boundary of a multipart/form-data content type, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

function indexesOf(hay: Uint8Array, needle: Uint8Array): number[] {
  const out: number[] = [];
  outer: for (let i = hay.indexOf(needle[0]); i !== -1 && i <= hay.length - needle.length; i = hay.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    out.push(i);
  }
  return out;
}

/** The bytes [from, to) if one segment holds them all. */
function slice(segments: Segment[], from: number, to: number): Uint8Array | null {
  for (const s of segments) if (from >= s.start && to <= s.start + s.bytes.length) return s.bytes.subarray(from - s.start, to - s.start);
  return null;
}

/**
 * The parts of a multipart body seen through its head and tail segments: the `file` part's byte range
 * (absolute) and the other fields' text. Parts other than the file must lie wholly in one window.
 */
export function formLayout(segments: Segment[], boundary: string, size: number): FormLayout {
  const delim = enc.encode(`--${boundary}`);
  const marks = new Set<number>();
  for (const s of segments) {
    for (const i of indexesOf(s.bytes, delim)) {
      const at = s.start + i;
      // A delimiter line starts the body or follows CRLF.
      if (at === 0 || (i >= 2 && s.bytes[i - 2] === 13 && s.bytes[i - 1] === 10)) marks.add(at);
    }
  }
  const sorted = [...marks].sort((a, b) => a - b);
  const layout: FormLayout = { file: null, fields: {} };
  for (let k = 0; k < sorted.length; k++) {
    const at = sorted[k] + delim.length;
    const after = slice(segments, at, at + 2);
    if (!after || (after[0] === 45 && after[1] === 45)) break; // the closing delimiter `--boundary--`
    const next = sorted[k + 1];
    if (next === undefined) throw new UploadError('(body)', 'the multipart body has no closing boundary');
    const headStart = at + 2;
    const window = slice(segments, headStart, Math.min(headStart + 16 * 1024, next));
    if (!window) throw new UploadError('(body)', 'a part header could not be read');
    const headEnd = indexesOf(window, enc.encode('\r\n\r\n'))[0];
    if (headEnd === undefined) throw new UploadError('(body)', 'a part has no header end');
    const headers = dec.decode(window.subarray(0, headEnd));
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(headers)?.[1];
    const bodyStart = headStart + headEnd + 4;
    const bodyEnd = next - 2; // the CRLF before the next delimiter belongs to it
    if (name === 'file') {
      if (!/;\s*filename=/i.test(headers)) throw new UploadError('file', 'attach the CSV as a file in the form field `file`');
      layout.file = { start: bodyStart, end: Math.max(bodyStart, bodyEnd) };
    } else if (name) {
      const bytes = slice(segments, bodyStart, bodyEnd);
      if (!bytes) throw new UploadError(name, `form fields other than the file must stay under ${WINDOW / 1024} KB`);
      layout.fields[name] = dec.decode(bytes);
    }
  }
  if (sorted.length === 0) throw new UploadError('(body)', 'is not a readable multipart form');
  if (layout.file && layout.file.end > size) throw new UploadError('file', 'the file part runs past the end of the body');
  return layout;
}

/** The head and tail windows of a stored object (one read when it is small). */
export async function windowsOf(bucket: R2Bucket, key: string, size: number): Promise<Segment[]> {
  const read = async (offset: number, length: number): Promise<Segment> => {
    const o = await bucket.get(key, { range: { offset, length } });
    if (!o) throw new Error('the upload is gone from storage');
    return { start: offset, bytes: new Uint8Array(await o.arrayBuffer()) };
  };
  if (size <= 2 * WINDOW) return [await read(0, size)];
  return [await read(0, WINDOW), await read(size - WINDOW, WINDOW)];
}

/**
 * Streams a request body into R2 under `key`, refusing (and removing) it past `max` bytes. R2 needs the
 * length up front: the Content-Length the client declared, which the stream is held to.
 */
export async function streamToR2(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number, contentType: string): Promise<void> {
  const fixed = new FixedLengthStream(length);
  const pumped = body.pipeTo(fixed.writable);
  try {
    await Promise.all([bucket.put(key, fixed.readable, { httpMetadata: { contentType } }), pumped]);
  } catch (e) {
    await bucket.delete(key).catch(() => undefined);
    throw new UploadError('(body)', `the upload did not arrive whole (${String((e as Error)?.message ?? e).slice(0, 200)})`);
  }
}
