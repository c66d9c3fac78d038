// Trains the learned sentiment model (worker/ai/sentiment/model.ts) and writes its weight table:
//
//   npx tsx scripts/train-sentiment.ts            train on every training file, write model-weights.json
//   npx tsx scripts/train-sentiment.ts --cv 5     5-fold cross-validation on the training files only
//   npx tsx scripts/train-sentiment.ts --cv 0 --loao   each own training file predicted by the others
//   npx tsx scripts/train-sentiment.ts --check    exit 1 if the committed table is not what the files train
//
// It reads only the training files below, never a held-out set (test/fixtures/sentiment-heldout*/ and
// test/fixtures/sentiment/holdout.json are for measuring, by test/ai-eval/). Training is deterministic:
// the same files give the same weights, and test/node/sentiment-model.test.mjs checks the committed
// table was trained on the committed files.
//
// The model is a multinomial logistic regression with L2 regularization, fitted by AdaGrad over
// shuffled epochs (a seeded shuffle). Thousands of messages and ~10^5 features train in seconds.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_BITS, features, hashFeature } from '../worker/ai/sentiment/features';
import { analyzeText } from '../worker/ai/sentiment/lexicon';
import { CLASSES, decodeWeights, logits, probabilities, type ModelWeights } from '../worker/ai/sentiment/model';
// The benchmarks' seeded PRNG (mulberry32): the same shuffles on every machine.
import { prng } from '../bench/lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'worker/ai/sentiment/model-weights.json');

/**
 * Every training file: the learned model's own sets and the rules' development sets, by name, so a
 * held-out set dropped into one of these folders is never trained on by accident.
 */
export function trainingFiles(): string[] {
  const dev = readdirSync(join(ROOT, 'test/fixtures/sentiment'))
    .filter((f) => /^(dev-[a-z0-9-]+|en|es)\.json$/.test(f))
    .map((f) => `test/fixtures/sentiment/${f}`);
  const own = readdirSync(join(ROOT, 'test/fixtures/sentiment-train'))
    .filter((f) => /^[a-z]{2}(-\d+)?\.json$/.test(f))
    .map((f) => `test/fixtures/sentiment-train/${f}`);
  return [...dev, ...own].sort();
}

interface Item {
  text: string;
  label: string;
  lang?: string;
  /** From the model's own training sets (written without seeing the rules), not the rules' development sets. */
  own: boolean;
  file: string;
}

function load(files: string[]): Item[] {
  const items: Item[] = [];
  for (const f of files) {
    const json = JSON.parse(readFileSync(join(ROOT, f), 'utf8'));
    const list = (Array.isArray(json) ? json : json.items) as { text: string; label: string; lang?: string; language?: string }[];
    for (const it of list) items.push({ text: it.text, label: it.label, lang: it.lang ?? it.language, own: f.includes('sentiment-train/'), file: f });
  }
  return items;
}

type Example = { x: [number, number][]; y: number; lang?: string; own: boolean; file: string };

/** Feature name prefixes left out (--drop lex:,c:), for ablations in cross-validation only. */
let dropped: string[] = [];

function encode(items: Item[]): Example[] {
  return items.map((it) => {
    const y = CLASSES.indexOf(it.label as (typeof CLASSES)[number]);
    if (y < 0) throw new Error(`bad label ${it.label}`);
    // Same bucket twice (a repeated word, a collision): values add, as they do at prediction.
    const merged = new Map<number, number>();
    for (const [name, value] of features(it.text, analyzeText(it.text))) {
      if (dropped.some((d) => name.startsWith(d))) continue;
      merged.set(hashFeature(name), (merged.get(hashFeature(name)) ?? 0) + value);
    }
    return { x: [...merged], y, lang: it.lang, own: it.own, file: it.file };
  });
}

export interface Hyper {
  epochs: number;
  rate: number;
  l2: number;
  /** Buckets seen in fewer training messages than this get no weight (a smaller table; rare words overfit). */
  minCount: number;
}

// Chosen by leaving one author out (--loao --grid): every setting of the grid scored 0.84–0.86, so
// these are a middle of a flat optimum, not a tuned peak.
export const HYPER: Hyper = { epochs: 30, rate: 0.1, l2: 1e-3, minCount: 1 };

function train(all: Example[], h: Hyper, seed = 1): Float32Array {
  const K = CLASSES.length;
  const seen = new Map<number, number>();
  for (const ex of all) for (const [b] of ex.x) seen.set(b, (seen.get(b) ?? 0) + 1);
  const data = h.minCount <= 1 ? all : all.map((ex) => ({ ...ex, x: ex.x.filter(([b]) => seen.get(b)! >= h.minCount) }));
  const w = new Float32Array((1 << FEATURE_BITS) * K);
  const g2 = new Float32Array(w.length).fill(1e-8);
  const order = data.map((_, i) => i);
  const rand = prng(seed);
  for (let epoch = 0; epoch < h.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const idx of order) {
      const ex = data[idx];
      const p = probabilities(hashedLogits(w, ex));
      for (const [b, v] of ex.x)
        for (let k = 0; k < K; k++) {
          const at = b * K + k;
          // Lazy L2: applied to the weights an example touches (the usual sparse approximation).
          const grad = (p[k] - (k === ex.y ? 1 : 0)) * v + h.l2 * w[at];
          g2[at] += grad * grad;
          w[at] -= (h.rate * grad) / Math.sqrt(g2[at]);
        }
    }
  }
  return w;
}

/** Logits of an example already hashed into buckets (model.ts's `logits` takes feature names). */
function hashedLogits(w: Float32Array, ex: Example): number[] {
  const K = CLASSES.length;
  const l = new Array<number>(K).fill(0);
  for (const [b, v] of ex.x) for (let k = 0; k < K; k++) l[k] += v * w[b * K + k];
  return l;
}

function accuracy(w: Float32Array, data: Example[]): number {
  let ok = 0;
  for (const ex of data) {
    const l = hashedLogits(w, ex);
    if (l.indexOf(Math.max(...l)) === ex.y) ok++;
  }
  return ok / data.length;
}

/**
 * Accuracy on held-back folds, overall and on the model's own sets alone: the rules were tuned on
 * their development sets, so their reading of those is optimistic, and only the own sets say how
 * the stack does on text the rules never saw.
 */
function crossValidate(data: Example[], folds: number, h: Hyper): string {
  const rand = prng(7);
  const fold = data.map(() => Math.floor(rand() * folds));
  const groups: Record<string, [number, number]> = {};
  const count = (g: string, ok: boolean) => {
    groups[g] ??= [0, 0];
    groups[g][0] += ok ? 1 : 0;
    groups[g][1]++;
  };
  for (let f = 0; f < folds; f++) {
    const w = train(
      data.filter((_, i) => fold[i] !== f),
      h,
    );
    for (const ex of data.filter((_, i) => fold[i] === f)) {
      const ok = accuracy(w, [ex]) === 1;
      count('all', ok);
      count(ex.own ? 'own' : 'dev', ok);
      if (ex.own) count(`own-${ex.lang}`, ok);
    }
  }
  return Object.entries(groups)
    .map(([g, [ok, n]]) => `${g} ${(ok / n).toFixed(3)} (${n})`)
    .join(' · ');
}

/**
 * The sparse, quantized form that ships: only buckets some training example touched, as ascending
 * gaps in LEB128 varints (most gaps fit a byte), and their weights as int8 on one scale (the
 * round trip below checks quantizing flips no training prediction worth mentioning).
 */
function pack(w: Float32Array, data: Example[], files: string[], sha256: string): ModelWeights {
  const K = CLASSES.length;
  const used = new Set<number>();
  for (const ex of data) for (const [b] of ex.x) used.add(b);
  let max = 0;
  for (const b of used) for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(w[b * K + k]));
  const scale = 127 / Math.max(max, 1e-6);
  // Buckets whose weights all quantize to 0 are dropped.
  const kept = [...used].sort((a, b) => a - b).filter((b) => [0, 1, 2].some((k) => Math.round(w[b * K + k] * scale) !== 0));
  const gaps: number[] = [];
  let prev = 0;
  for (const b of kept) {
    let gap = b - prev;
    prev = b;
    while (gap >= 0x80) {
      gaps.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    gaps.push(gap);
  }
  const values = new Int8Array(kept.length * K);
  kept.forEach((b, i) => {
    for (let k = 0; k < K; k++) values[i * K + k] = Math.round(w[b * K + k] * scale);
  });
  return {
    bits: FEATURE_BITS,
    classes: [...CLASSES],
    scale,
    buckets: Buffer.from(Uint8Array.from(gaps)).toString('base64'),
    weights: Buffer.from(values.buffer).toString('base64'),
    trainedOn: { items: data.length, sha256, files },
  };
}

/** A digest of the training data as read (text and label), so a test can tell the table is stale. */
export function trainingDigest(files: string[]): string {
  const items = load(files);
  return createHash('sha256')
    .update(JSON.stringify(items.map((i) => [i.text, i.label])))
    .digest('hex');
}

/**
 * Leave one author out: each of the model's own training files (one author each) is predicted by a
 * model trained on every other file. The nearest thing to a blind set the training data holds: the
 * held-out file's wording, topics and habits were never seen.
 */
function leaveOneAuthorOut(data: Example[], h: Hyper): string {
  const files = [...new Set(data.filter((e) => e.own).map((e) => e.file))];
  let ok = 0;
  let n = 0;
  const per = files.map((f) => {
    const test = data.filter((e) => e.file === f);
    const a = accuracy(
      train(
        data.filter((e) => e.file !== f),
        h,
      ),
      test,
    );
    ok += a * test.length;
    n += test.length;
    return `${f.split('/').pop()} ${a.toFixed(3)}`;
  });
  return `all ${(ok / n).toFixed(3)} (${n}) · ${per.join(' · ')}`;
}

function main() {
  const args = process.argv.slice(2);
  const files = trainingFiles();
  const items = load(files);
  const drop = args.indexOf('--drop');
  if (drop >= 0) dropped = args[drop + 1].split(',');
  const cv = args.indexOf('--cv');
  if (cv >= 0) {
    const data = encode(items);
    const folds = Number(args[cv + 1] ?? 5);
    const grid: Hyper[] = args.includes('--grid')
      ? [0.03, 0.1, 0.3].flatMap((rate) => [1e-5, 1e-4, 1e-3].flatMap((l2) => [1, 2].map((minCount) => ({ epochs: 30, rate, l2, minCount }))))
      : args.includes('--hyper')
        ? [{ ...HYPER, ...JSON.parse(args[args.indexOf('--hyper') + 1]) }]
        : [HYPER];
    if (args.includes('--loao')) {
      for (const h of grid) console.log(`leave one author out, ${JSON.stringify(h)}${dropped.length ? ` without ${dropped}` : ''}: ${leaveOneAuthorOut(data, h)}`);
      return;
    }
    for (const h of grid) console.log(`cv ${folds}-fold, ${data.length} items, ${JSON.stringify(h)}${dropped.length ? ` without ${dropped}` : ''}: ${crossValidate(data, folds, h)}`);
    return;
  }
  if (dropped.length) throw new Error('--drop is for cross-validation only');
  const data = encode(items);
  const w = train(data, HYPER);
  const packed = pack(w, data, files, trainingDigest(files));
  // Round trip: the shipped table predicts what the trained one does.
  const dense = decodeWeights(packed);
  let agree = 0;
  for (const it of items) {
    const f = features(it.text, analyzeText(it.text));
    const a = logits(dense, f);
    const b = logits({ values: w, scale: 1 }, f);
    if (a.indexOf(Math.max(...a)) === b.indexOf(Math.max(...b))) agree++;
  }
  if (agree < items.length * 0.99) throw new Error(`quantized table disagrees with the trained one on ${items.length - agree} of ${items.length} messages`);
  const json = `${JSON.stringify(packed)}\n`;
  if (args.includes('--check')) {
    // test/node/sentiment-model.test.mjs: the committed table is what the committed data trains.
    // Compared parsed, so a checkout's line endings cannot make it stale.
    const committed = JSON.stringify(JSON.parse(readFileSync(OUT, 'utf8')));
    if (committed !== JSON.stringify(packed)) {
      console.error('worker/ai/sentiment/model-weights.json is stale: retrain with `npx tsx scripts/train-sentiment.ts`');
      process.exit(1);
    }
    console.log(`model-weights.json is current (${data.length} items)`);
    return;
  }
  writeFileSync(OUT, json);
  console.log(`trained on ${data.length} items from ${files.length} files; training accuracy ${accuracy(w, data).toFixed(3)}; ${Buffer.from(packed.weights, 'base64').length / CLASSES.length} buckets kept; shipped table agrees on ${agree}/${items.length}; ${OUT}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
