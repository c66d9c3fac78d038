// Bundle budgets: gzipped size of what a browser downloads before it can run each front end.
//   agent app initial JS   dist/index.html's module script + its modulepreloads (lazy chunks excluded)  ≤ 80 KB
//   widget loader          dist/widget.js (on every page of a customer's site)                         ≤ 5 KB
//   widget frame JS        dist/widget/frame.html's module script + modulepreloads                     ≤ 30 KB
// Run after a build: `node bench/size.mjs` (--json prints the figures as JSON). Exits 1 over budget.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../dist/', import.meta.url).pathname;
const KB = 1024;

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The JS files an HTML page loads up front: its module scripts and modulepreload links. */
function initialScripts(htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  const base = htmlFile.slice(0, htmlFile.lastIndexOf('/') + 1);
  const refs = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) refs.add(m[1]);
  return [...refs].map((ref) => (ref.startsWith('/') ? join(DIST, ref) : join(base, ref)));
}

function measure(label, files, budgetKb) {
  const missing = files.filter((f) => !existsSync(f));
  if (files.length === 0 || missing.length) return { label, bytes: null, budget: budgetKb * KB, files, error: missing.length ? `missing ${missing.join(', ')}` : 'nothing found (build first)' };
  const bytes = files.reduce((sum, f) => sum + gz(f), 0);
  return { label, bytes, budget: budgetKb * KB, files };
}

const app = join(DIST, 'index.html');
const frame = join(DIST, 'widget/frame.html');
const rows = [
  measure('agent app initial JS', existsSync(app) ? initialScripts(app) : [], 80),
  measure('widget loader (widget.js)', [join(DIST, 'widget.js')], 5),
  measure('widget frame JS', existsSync(frame) ? initialScripts(frame) : [], 30),
];

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows.map(({ label, bytes, budget, error }) => ({ label, gzipBytes: bytes, budgetBytes: budget, ok: bytes !== null && bytes <= budget, error })), null, 2));
} else {
  const fmt = (n) => `${(n / KB).toFixed(1)} KB`;
  console.log('Bundle sizes (gzip -9)');
  for (const r of rows) {
    const status = r.bytes === null ? `ERROR ${r.error}` : r.bytes <= r.budget ? `ok (${Math.round((r.bytes / r.budget) * 100)}% of budget)` : 'OVER BUDGET';
    console.log(`  ${r.label.padEnd(28)} ${(r.bytes === null ? '—' : fmt(r.bytes)).padStart(9)}  / ${fmt(r.budget).padStart(7)}  ${status}`);
  }
}
process.exitCode = rows.every((r) => r.bytes !== null && r.bytes <= r.budget) ? 0 : 1;
