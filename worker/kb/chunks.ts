// Passages: a source's plain text cut into retrieval-sized chunks on paragraph and sentence bounds,
// so a match points at the part of a long article that answers, not at the whole article.
import { sentences } from '../ai/text';

export const CHUNK_TARGET = 700;
const CHUNK_MAX = 1100;

export function chunkText(text: string, target = CHUNK_TARGET): string[] {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => (p.length <= CHUNK_MAX ? [p] : splitLong(p, target)));
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const p of paragraphs) {
    if (current.length && size + p.length + 2 > target) {
      // A short heading-like paragraph travels with what follows it, not with what precedes it.
      const last = current[current.length - 1];
      const carry = current.length > 1 && last.length < 80 && !/[.!?:]$/.test(last) ? current.pop()! : null;
      chunks.push(current.join('\n\n'));
      current = carry ? [carry] : [];
      size = carry ? carry.length : 0;
    }
    current.push(p);
    size += p.length + 2;
  }
  if (current.length) chunks.push(current.join('\n\n'));
  return chunks.length ? chunks : [''];
}

function splitLong(paragraph: string, target: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const s of sentences(paragraph)) {
    const piece = s.length > CHUNK_MAX ? s.slice(0, CHUNK_MAX) : s;
    if (current && current.length + piece.length + 1 > target) {
      out.push(current);
      current = piece;
    } else {
      current = current ? `${current} ${piece}` : piece;
    }
  }
  if (current) out.push(current);
  return out;
}
