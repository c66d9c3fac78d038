// npm run deploy: deploy Parley to the Cloudflare account wrangler is logged in to (the tenant's own).
// Creates or reuses the D1 database, R2 bucket and queues, sets missing secrets, applies migrations,
// builds the web assets and deploys. `npm run deploy -- --dry-run` bundles exactly as a deploy
// would, offline, into .wrangler/dry-run (no account needed).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { vapidKeyPair } from './dev-vars.mjs';

/**
 * Workers AI and Vectorize have no local simulator, so the committed wrangler.toml (what `wrangler dev`
 * and the tests read) leaves them out and the deploy config adds them: a deployed Parley uses the
 * cloud path (AI_MODE=auto) from its first request. BGE-M3 (the default AI_EMBEDDING_MODEL) embeds in
 * 1024 dimensions; retrieval compares by cosine.
 */
const VECTORIZE_INDEX = 'parley-kb';
const VECTORIZE_DIMENSIONS = 1024;
const VECTORIZE_METRIC = 'cosine';

function withCloudAi(toml) {
  let out = toml.trimEnd() + '\n';
  if (!/^\[ai\]/m.test(out)) out += '\n[ai]\nbinding = "AI"\n';
  if (!/^\[\[vectorize\]\]/m.test(out)) out += `\n[[vectorize]]\nbinding = "VECTORIZE"\nindex_name = "${VECTORIZE_INDEX}"\n`;
  return out;
}

const WRANGLER = new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;
const dryRun = process.argv.includes('--dry-run');

function wrangler(args, { input, quiet } = {}) {
  const res = spawnSync(process.execPath, [WRANGLER, ...args], { encoding: 'utf8', input, stdio: [input ? 'pipe' : 'inherit', 'pipe', 'pipe'] });
  if (!quiet) process.stderr.write(res.stderr ?? '');
  if (res.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

if (!process.argv.includes('--skip-build')) run('npm', ['run', 'build']);
const base = readFileSync('wrangler.toml', 'utf8');
const config = (list) => list.reduce((toml, [from, to]) => toml.replace(from, to), withCloudAi(base));
// The deploy config: the committed wrangler.toml plus the cloud-only bindings, with the real database
// id (git-ignored, beside it so relative paths still resolve).
const deployConfig = 'wrangler.deploy.toml';

if (dryRun) {
  const out = '.wrangler/dry-run';
  mkdirSync(out, { recursive: true });
  writeFileSync(deployConfig, config([]));
  process.stdout.write(wrangler(['deploy', '--dry-run', '--outdir', out, '-c', deployConfig]));
  console.log(`Bundled as a deploy would, into ${out}.`);
  process.exit(0);
}

const name = (base.match(/^name\s*=\s*"([^"]+)"/m) ?? [])[1] ?? 'parley';
const dbName = (base.match(/database_name\s*=\s*"([^"]+)"/) ?? [])[1] ?? 'parley';
const bucket = (base.match(/bucket_name\s*=\s*"([^"]+)"/) ?? [])[1] ?? 'parley-files';

// D1: reuse by name, or create.
const databases = JSON.parse(wrangler(['d1', 'list', '--json'], { quiet: true }));
let db = databases.find((d) => d.name === dbName);
if (!db) {
  console.log(`Creating D1 database ${dbName}…`);
  wrangler(['d1', 'create', dbName]);
  db = JSON.parse(wrangler(['d1', 'list', '--json'], { quiet: true })).find((d) => d.name === dbName);
}
const dbId = db.uuid ?? db.database_id ?? db.id;

// R2 bucket and queues: create when missing ("already exists" is fine).
const ensure = (args, what) => {
  try {
    wrangler(args, { quiet: true });
    console.log(`Created ${what}.`);
  } catch (err) {
    if (!/already exists|already owned/i.test(String(err))) throw err;
  }
};
ensure(['r2', 'bucket', 'create', bucket], `R2 bucket ${bucket}`);
for (const q of [...base.matchAll(/^\s*queue\s*=\s*"([^"]+)"/gm)].map((m) => m[1])) ensure(['queues', 'create', q], `queue ${q}`);

// Vectorize: the knowledge-base index, created when missing with the embedding model's shape.
try {
  wrangler(['vectorize', 'get', VECTORIZE_INDEX], { quiet: true });
} catch {
  console.log(`Creating Vectorize index ${VECTORIZE_INDEX} (${VECTORIZE_DIMENSIONS} dimensions, ${VECTORIZE_METRIC})…`);
  ensure(['vectorize', 'create', VECTORIZE_INDEX, `--dimensions=${VECTORIZE_DIMENSIONS}`, `--metric=${VECTORIZE_METRIC}`], `Vectorize index ${VECTORIZE_INDEX}`);
}

writeFileSync(deployConfig, config([[/database_id\s*=\s*"[^"]*"/, `database_id = "${dbId}"`]]));

// Secrets: generated once, never overwritten (rotating ENCRYPTION_KEY would lose inbox credentials).
let existing = [];
try {
  existing = JSON.parse(wrangler(['secret', 'list', '--format', 'json', '-c', deployConfig], { quiet: true })).map((s) => s.name);
} catch {
  // first deploy: the Worker does not exist yet
}
for (const secret of ['JWT_SECRET', 'ENCRYPTION_KEY']) {
  if (existing.includes(secret)) continue;
  console.log(`Setting secret ${secret}…`);
  wrangler(['secret', 'put', secret, '-c', deployConfig], { input: randomBytes(32).toString('base64url') });
}
// Web Push's VAPID pair: generated together, once (a new pair would orphan every browser subscription).
if (!existing.includes('VAPID_PUBLIC_KEY') || !existing.includes('VAPID_PRIVATE_KEY')) {
  console.log('Setting secrets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY…');
  const vapid = vapidKeyPair();
  wrangler(['secret', 'put', 'VAPID_PUBLIC_KEY', '-c', deployConfig], { input: vapid.publicKey });
  wrangler(['secret', 'put', 'VAPID_PRIVATE_KEY', '-c', deployConfig], { input: vapid.privateKey });
}
if (process.env.PARLEY_PUSH_CONTACT) {
  // Push services (Apple's especially) want a contact for the sender: PARLEY_PUSH_CONTACT=you@example.com.
  wrangler(['secret', 'put', 'VAPID_SUBJECT', '-c', deployConfig], { input: `mailto:${process.env.PARLEY_PUSH_CONTACT}` });
}

wrangler(['d1', 'migrations', 'apply', 'DB', '--remote', '-c', deployConfig], { input: 'y\n' });
process.stdout.write(wrangler(['deploy', '-c', deployConfig]));
console.log(`Deployed ${name}. Open it and sign up: the first sign-up creates your workspace (SIGNUP=first-only).`);
