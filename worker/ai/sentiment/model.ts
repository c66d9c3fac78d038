// The learned sentiment model: a multinomial logistic regression over hashed features
// (features.ts), trained offline by scripts/train-sentiment.ts on labelled customer messages in
// English, Spanish, Portuguese and French (test/fixtures/sentiment-train/ and the rules'
// development sets) and shipped as a weight table in model-weights.json. It stacks on the
// rule-based analyzer: the rules' reading is one of its inputs.
//
// Why a linear model and not a neural one: it runs in microseconds in the Worker, ships in a few
// hundred kilobytes, needs nothing downloaded at run time, and can be retrained from the repo in
// seconds. The cloud path (workers-ai.ts) stays a hosted model; this is the offline analyzer.
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

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The weight table as a dense array (bucket × class), decoded once per isolate. */
let table: Float32Array | null = null;

/** Dense table from the shipped sparse form. Exported for the trainer's round-trip check. */
export function decodeWeights(w: ModelWeights): Float32Array {
  if (w.bits !== FEATURE_BITS || w.classes.join() !== CLASSES.join()) throw new Error('sentiment model does not match its features');
  const dense = new Float32Array((1 << w.bits) * CLASSES.length);
  const gaps = fromBase64(w.buckets);
  const values = new Int8Array(fromBase64(w.weights).buffer);
  let at = 0;
  let bucket = 0;
  for (let i = 0; i < values.length / CLASSES.length; i++) {
    let gap = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = gaps[at++];
      gap |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    bucket += gap;
    for (let k = 0; k < CLASSES.length; k++) dense[bucket * CLASSES.length + k] = values[i * CLASSES.length + k] / w.scale;
  }
  if (at !== gaps.length) throw new Error('sentiment model buckets and weights differ in length');
  return dense;
}

/** Class probabilities from hashed features and a dense table (shared with the trainer). */
export function predict(table: Float32Array, feats: readonly (readonly [string, number])[]): number[] {
  const logits = new Array<number>(CLASSES.length).fill(0);
  for (const [name, value] of feats) {
    const at = hashFeature(name) * CLASSES.length;
    for (let k = 0; k < CLASSES.length; k++) logits[k] += value * table[at + k];
  }
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
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
  const p = predict(table, features(text, lexicon));
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  const probabilities = Object.fromEntries(CLASSES.map((c, k) => [c, p[k]])) as Record<SentimentLabel, number>;
  return { label: CLASSES[best], score: probabilities.positive - probabilities.negative, confidence: p[best], probabilities };
}
