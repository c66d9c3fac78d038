// SMS segment counting as carriers bill it: GSM-7 (160 septets, 153 per part when concatenated; the
// extension table's characters take two septets and never split across parts) or, as soon as one
// character is outside GSM-7, UCS-2 (70 UTF-16 units, 67 per part; surrogate pairs never split).

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export interface SegmentInfo {
  encoding: 'GSM-7' | 'UCS-2';
  /** Number of SMS parts the message is sent (and billed) as. */
  segments: number;
  /** Characters as the user sees them. */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) used. */
  units: number;
  /** Capacity of one part in this encoding for this length (160/153 or 70/67). */
  perSegment: number;
  /** Units left in the last part before another part is needed. */
  remaining: number;
  /** Characters that forced UCS-2 (first few), to show the writer what to change. */
  nonGsmCharacters: string[];
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** Pack units into parts of `size` without splitting an indivisible unit group. */
function pack(sizes: number[], single: number, multi: number): { segments: number; units: number; perSegment: number; remaining: number } {
  const units = sizes.reduce((a, b) => a + b, 0);
  if (units === 0) return { segments: 0, units: 0, perSegment: single, remaining: single };
  if (units <= single) return { segments: 1, units, perSegment: single, remaining: single - units };
  let segments = 1;
  let used = 0;
  for (const s of sizes) {
    if (used + s > multi) {
      segments++;
      used = 0;
    }
    used += s;
  }
  return { segments, units, perSegment: multi, remaining: multi - used };
}

export function segmentCount(text: string): SegmentInfo {
  const chars = [...text];
  if (isGsm7(text)) {
    const sizes = chars.map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', characters: chars.length, nonGsmCharacters: [], ...pack(sizes, 160, 153) };
  }
  const sizes = chars.map((ch) => ch.length); // astral characters are two UTF-16 units
  const nonGsm = [...new Set(chars.filter((ch) => !BASIC.has(ch) && !EXTENSION.has(ch)))].slice(0, 10);
  return { encoding: 'UCS-2', characters: chars.length, nonGsmCharacters: nonGsm, ...pack(sizes, 70, 67) };
}
