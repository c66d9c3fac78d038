// Differences between two versions of an article: a line diff of the text (longest common
// subsequence), with changed lines refined to word level, plus what changed in title, tags and status.

export interface DiffOp {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

/** Longest-common-subsequence diff of two token lists. O(n·m) memory is bounded by the caller's sizes. */
export function diffTokens(a: string[], b: string[]): DiffOp[] {
  // Common prefix and suffix first: most edits touch a small part of an article.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const ops: DiffOp[] = a.slice(0, start).map((text) => ({ op: 'equal', text }));
  if (midA.length * midB.length > 4_000_000) {
    // Too large to align: everything in the middle changed.
    for (const text of midA) ops.push({ op: 'delete', text });
    for (const text of midB) ops.push({ op: 'insert', text });
  } else {
    const n = midA.length;
    const m = midB.length;
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = midA[i] === midB[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ op: 'equal', text: midA[i] });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
        // Deletions before insertions, so a replaced line reads as old then new.
        ops.push({ op: 'delete', text: midA[i++] });
      } else {
        ops.push({ op: 'insert', text: midB[j++] });
      }
    }
  }
  for (const text of a.slice(endA)) ops.push({ op: 'equal', text });
  return ops;
}

/** Merge consecutive operations of the same kind. */
function coalesce(ops: DiffOp[], joiner: string): DiffOp[] {
  const out: DiffOp[] = [];
  for (const o of ops) {
    const last = out[out.length - 1];
    if (last && last.op === o.op) last.text += joiner + o.text;
    else out.push({ ...o });
  }
  return out;
}

/** Word-level diff (whitespace kept with the words), for a title or a changed line. */
export function diffWords(a: string, b: string): DiffOp[] {
  const words = (s: string) => s.match(/\s*\S+/g) ?? [];
  return coalesce(diffTokens(words(a), words(b)), '');
}

export interface LineDiff {
  op: 'equal' | 'insert' | 'delete' | 'change';
  text?: string;
  /** For 'change': the old line, the new line and their word diff. */
  from?: string;
  to?: string;
  words?: DiffOp[];
}

/** Line diff; a deletion directly followed by an insertion of one line each is shown as a change with a word diff. */
export function diffText(a: string, b: string): LineDiff[] {
  const ops = diffTokens(a.split('\n'), b.split('\n'));
  const out: LineDiff[] = [];
  for (let k = 0; k < ops.length; k++) {
    const o = ops[k];
    const next = ops[k + 1];
    const after = ops[k + 2];
    if (o.op === 'delete' && next?.op === 'insert' && ops[k - 1]?.op !== 'delete' && after?.op !== 'insert') {
      out.push({ op: 'change', from: o.text, to: next.text, words: diffWords(o.text, next.text) });
      k++;
    } else {
      out.push({ op: o.op, text: o.text });
    }
  }
  return out;
}

export interface VersionSnapshot {
  version: number;
  title: string;
  bodyText: string;
  tags: string[];
  status: string;
  categoryId: string | null;
}

export function diffVersions(from: VersionSnapshot, to: VersionSnapshot) {
  return {
    from: from.version,
    to: to.version,
    title: from.title === to.title ? null : diffWords(from.title, to.title),
    body: diffText(from.bodyText, to.bodyText),
    tags: { added: to.tags.filter((t) => !from.tags.includes(t)), removed: from.tags.filter((t) => !to.tags.includes(t)) },
    status: from.status === to.status ? null : { from: from.status, to: to.status },
    categoryId: from.categoryId === to.categoryId ? null : { from: from.categoryId, to: to.categoryId },
  };
}
