// The learned sentiment model: a multinomial logistic regression over hashed features
// (features.ts), trained offline by scripts/train-sentiment.ts on labelled customer messages in
// English, Spanish, Portuguese and French (test/fixtures/sentiment-train/ and the rules'
// development sets) and shipped as a weight table in model-weights.json. It stacks on the
// rule-based analyzer: the rules' reading is one of its inputs.
//
// Why a linear model and not a neural one: it runs in microseconds in the Worker, ships in a few
// hundred kilobytes, needs nothing downloaded at run time, and can be retrained from the repo in
// seconds. The cloud path (workers-ai.ts) stays a hosted model; this is the offline analyzer.
import { fromBase64Url } from '../../crypto/bytes';
import type { SentimentLabel } from '../../sla/model';
import { features, hashFeature, FEATURE_BITS } from './features';
import type { SentimentDetail } from './lexicon';
import weights from './model-weights.json';

/** The classes in the order of the weight table's columns. */
export const CLASSES: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

export interface ModelWeights {
  bits: number;
  classes: string[];
  /** Scale of the quantized weights: weight = int8 / scale. */
  scale: number;
  /** Base64 of the bucket indices, ascending, as gaps from the previous one in LEB128 varints. */
  buckets: string;
  /** Base64 of int8 weights, three per bucket (CLASSES order). */
  weights: string;
  trainedOn: { items: number; sha256: string; files: string[] };
}

/** The weights as shipped (int8), dense by bucket × class, and the scale they are divided by. */
export interface Table {
  values: Int8Array | Float32Array;
  scale: number;
}

/** The table, decoded once per isolate: 768 KB dense int8 rather than a float copy. */
let table: Table | null = null;

/** Dense table from the shipped sparse form. Exported for the trainer's round-trip check. */
export function decodeWeights(w: ModelWeights): Table {
  if (w.bits !== FEATURE_BITS || w.classes.join() !== CLASSES.join()) throw new Error('sentiment model does not match its features');
  const K = CLASSES.length;
  const size = 1 << w.bits;
  const dense = new Int8Array(size * K);
  const gaps = fromBase64Url(w.buckets);
  const values = new Int8Array(fromBase64Url(w.weights).buffer);
  let at = 0;
  let bucket = 0;
  for (let i = 0; i < values.length / K; i++) {
    let gap = 0;
    for (let shift = 0; ; shift += 7) {
      // A cut-off table must fail loudly, not loop on undefined bytes.
      if (at >= gaps.length || shift > 28) throw new Error('sentiment model buckets are truncated');
      const byte = gaps[at++];
      gap |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    bucket += gap;
    if (bucket >= size) throw new Error('sentiment model bucket out of range');
    for (let k = 0; k < K; k++) dense[bucket * K + k] = values[i * K + k];
  }
  if (at !== gaps.length) throw new Error('sentiment model buckets and weights differ in length');
  return { values: dense, scale: w.scale };
}

/** Logits from hashed features (shared with the trainer, which passes its float weights with scale 1). */
export function logits(t: Table, feats: readonly (readonly [string, number])[]): number[] {
  const K = CLASSES.length;
  // Summed in the table's integer units, divided once: presence features add exact integers, so
  // equal evidence for two classes is an exact tie rather than a float rounding's coin toss.
  const sum = new Array<number>(K).fill(0);
  for (const [name, value] of feats) {
    const at = hashFeature(name) * K;
    for (let k = 0; k < K; k++) sum[k] += value * t.values[at + k];
  }
  return sum.map((x) => x / t.scale);
}

/** Softmax of logits. */
export function probabilities(l: number[]): number[] {
  const max = Math.max(...l);
  const exp = l.map((x) => Math.exp(x - max));
  const z = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / z);
}

export interface ModelReading {
  label: SentimentLabel;
  /** P(positive) − P(negative), in [-1, 1]: the same scale as the rules' score. */
  score: number;
  /** The probability of the chosen label. */
  confidence: number;
  probabilities: Record<SentimentLabel, number>;
}

/** The model's reading of a message, given the rules' reading of it. */
export function classify(text: string, lexicon: SentimentDetail): ModelReading {
  table ??= decodeWeights(weights as ModelWeights);
  const l = logits(table, features(text, lexicon));
  const p = probabilities(l);
  // A tie goes to the rules' label if it is among the tied, else to neutral: no evidence either way.
  const top = Math.max(...l);
  const tied = CLASSES.filter((_, k) => top - l[k] < 1e-9);
  const label = tied.length === 1 ? tied[0] : tied.includes(lexicon.label) ? lexicon.label : 'neutral';
  const best = CLASSES.indexOf(label);
  const byClass = Object.fromEntries(CLASSES.map((c, k) => [c, p[k]])) as Record<SentimentLabel, number>;
  return { label, score: byClass.positive - byClass.negative, confidence: p[best], probabilities: byClass };
}
